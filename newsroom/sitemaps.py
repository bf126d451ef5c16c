"""The sitemap: every published article and event, every partner, province and country page, in each language."""

from datetime import datetime
from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from .models import Article, Country, Event, Partner, Province


class TranslatedSitemap(Sitemap):
    """Each page once per language, naming its other-language versions (hreflang alternates and x-default)."""

    i18n = True
    alternates = True
    x_default = True


class ArticleSitemap(TranslatedSitemap):
    changefreq = "monthly"

    def items(self) -> QuerySet:
        return Article.objects.published().order_by("-published_at", "-pk")

    def lastmod(self, item: Article) -> datetime:
        return item.updated_at


class EventSitemap(TranslatedSitemap):
    changefreq = "monthly"

    def items(self) -> QuerySet:
        return Event.objects.published().order_by("-start_date", "-pk")

    def lastmod(self, item: Event) -> datetime:
        return item.updated_at


def latest_update(queryset: QuerySet, lookups: tuple[str, ...]) -> Subquery:
    """When the most recently edited of these rows tied to the outer row (through any of the lookups) was edited."""
    tied = Q()
    for lookup in lookups:
        tied |= Q(**{lookup: OuterRef("pk")})
    return Subquery(queryset.filter(tied).order_by("-updated_at").values("updated_at")[:1])


class TaggedPageSitemap(TranslatedSitemap):
    """Pages that list articles and events change when one of those is published or edited."""

    changefreq = "weekly"
    model: type = Province
    article_lookups: tuple[str, ...] = ()
    event_lookups: tuple[str, ...] = ()

    def items(self) -> QuerySet:
        return self.model.objects.annotate(
            latest_article=latest_update(Article.objects.published(), self.article_lookups),
            latest_event=latest_update(Event.objects.published(), self.event_lookups),
        ).order_by("pk")

    def lastmod(self, item: Province | Country | Partner) -> datetime | None:
        return max((day for day in (item.latest_article, item.latest_event) if day), default=None)


class ProvinceSitemap(TaggedPageSitemap):
    """A current unit's page also lists the news and events of the units merged into it."""

    model = Province
    article_lookups = ("provinces", "provinces__merged_into")
    event_lookups = ("province", "province__merged_into")


class CountrySitemap(TaggedPageSitemap):
    """Only the countries that have a page worth visiting: those with published content or partners."""

    model = Country
    article_lookups = ("countries",)
    event_lookups = ("country",)

    def items(self) -> QuerySet:
        return (
            super()
            .items()
            .filter(
                Q(latest_article__isnull=False)
                | Q(latest_event__isnull=False)
                | Q(pk__in=Partner.objects.values("country_id"))
            )
        )


class PartnerSitemap(TaggedPageSitemap):
    model = Partner
    article_lookups = ("partners",)
    event_lookups = ("partners",)


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
