"""The sitemap: every published article and event, every partner, province and country page, in each language.

``/sitemap.xml`` is an index of the sections' sitemaps (``/sitemap-articles.xml``, ``?p=2`` and on), each page
of at most ``LIMIT`` entries: at 100,000 articles a single file held 300,000 entries (32 MB, 12 s to draw), past
the protocol's 50,000 and more than a crawler or a worker should wait for.
"""

from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import cached_property
from typing import Any, overload

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max, Q, QuerySet
from django.urls import reverse

from .models import Article, Country, Event, Partner, Province

# Entries per sitemap page: each names its three languages and x-default (about 0.55 KB), through five reverse()s.
LIMIT = 1000


class LanguagePairs(Sequence[tuple[Any, str]]):
    """Each item with each language, item by item, as Django's translated sitemaps list them, read a page at a time.

    Django builds that list whole (every article read, for each page of the sitemap); this reads only the items
    of the window asked for."""

    def __init__(self, items: QuerySet | list, languages: list[str]) -> None:
        self.items, self.languages = items, languages

    @cached_property
    def item_count(self) -> int:
        return self.items.count() if isinstance(self.items, QuerySet) else len(self.items)

    def __len__(self) -> int:
        return self.item_count * len(self.languages)

    @overload
    def __getitem__(self, index: int) -> tuple[Any, str]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[Any, str]]: ...

    def __getitem__(self, index: int | slice) -> tuple[Any, str] | list[tuple[Any, str]]:
        if not isinstance(index, slice):
            position = range(len(self))[index]  # IndexError past the end, as a list's
            return self[position : position + 1][0]
        start, stop, step = index.indices(len(self))
        if stop <= start:
            return []
        size = len(self.languages)
        first = start // size
        pairs = [(item, language) for item in self.items[first : (stop - 1) // size + 1] for language in self.languages]
        return pairs[start - first * size : stop - first * size : step]

    def __iter__(self) -> Iterator[tuple[Any, str]]:
        return iter(self[:])


class TranslatedSitemap(Sitemap):
    """Each page once per language, naming its other-language versions (hreflang alternates and x-default)."""

    i18n = True
    alternates = True
    x_default = True
    limit = LIMIT

    @property
    def paginator(self) -> Paginator:
        return Paginator(LanguagePairs(self.items(), self._languages()), self.limit)


class ArticleSitemap(TranslatedSitemap):
    changefreq = "monthly"

    def items(self) -> QuerySet:
        return Article.objects.published().only("slug", "updated_at").order_by("-published_at", "-pk")

    def lastmod(self, item: Article) -> datetime:
        return item.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        """The index's date for the section, from one aggregate rather than every article."""
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class EventSitemap(TranslatedSitemap):
    changefreq = "monthly"

    def items(self) -> QuerySet:
        return Event.objects.published().only("slug", "updated_at").order_by("-start_date", "-pk")

    def lastmod(self, item: Event) -> datetime:
        return item.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        return Event.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class TaggedPageSitemap(TranslatedSitemap):
    """Pages that list articles and events change when one of those is published or edited."""

    changefreq = "weekly"
    model: type = Province
    article_tags = "provinces"
    event_tags = "province"

    def items(self) -> QuerySet:
        return self.model.objects.order_by("pk")

    @cached_property
    def latest_updates(self) -> dict[int, datetime]:
        return self.grouped_updates()

    def grouped_updates(self) -> dict[int, datetime]:
        """When each page's latest published article or event was edited, by the id of its row: one grouped query
        per kind (a subquery per row took 1.7 s for the provinces at 100,000 articles)."""
        latest: dict[int, datetime] = {}
        for published, tags in (
            (Article.objects.published(), self.article_tags),
            (Event.objects.published(), self.event_tags),
        ):
            for tag, updated in published.values_list(tags).annotate(latest=Max("updated_at")).order_by():
                if tag is not None:
                    latest[tag] = max(latest.get(tag, updated), updated)
        return latest

    def lastmod(self, item: Province | Country | Partner) -> datetime | None:
        return self.latest_updates.get(item.pk)

    def get_latest_lastmod(self) -> datetime | None:
        return max(self.latest_updates.values(), default=None)


class ProvinceSitemap(TaggedPageSitemap):
    """A current unit's page also lists the news and events of the units merged into it."""

    model = Province

    def grouped_updates(self) -> dict[int, datetime]:
        latest = super().grouped_updates()
        for old, unit in Province.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into"):
            if old in latest:
                latest[unit] = max(latest.get(unit, latest[old]), latest[old])
        return latest


class CountrySitemap(TaggedPageSitemap):
    """Only the countries that have a page worth visiting: those with published content or partners."""

    model = Country
    article_tags = "countries"
    event_tags = "country"

    def items(self) -> QuerySet:
        with_partners = Partner.objects.values("country_id")
        return super().items().filter(Q(pk__in=list(self.latest_updates)) | Q(pk__in=with_partners))


class PartnerSitemap(TaggedPageSitemap):
    model = Partner
    article_tags = "partners"
    event_tags = "partners"


class SectionSitemap(TranslatedSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self) -> list[str]:
        return [
            "newsroom:home",
            "newsroom:article-list",
            "newsroom:province-list",
            "newsroom:country-list",
            "newsroom:partner-list",
            "newsroom:partnership-list",
            "newsroom:event-list",
        ]

    def location(self, item: str) -> str:
        return reverse(item)

    @cached_property
    def latest_update(self) -> datetime | None:
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]

    def lastmod(self, item: str) -> datetime | None:
        return self.latest_update


SITEMAPS = {
    "sections": SectionSitemap,
    "articles": ArticleSitemap,
    "events": EventSitemap,
    "provinces": ProvinceSitemap,
    "countries": CountrySitemap,
    "partners": PartnerSitemap,
}
