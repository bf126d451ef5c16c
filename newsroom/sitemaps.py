"""The sitemap: every published article and event, every partner, province and country page, in each language."""

from datetime import datetime
from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from .models import Article, Country, Event, Partner, Province, Status


def published_articles_filter(prefix: str) -> Q:
    return Q(**{f"{prefix}__status": Status.PUBLISHED, f"{prefix}__published_at__lte": timezone.now()})


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


class TaggedPageSitemap(TranslatedSitemap):
    """Pages that list articles change when one of their articles is published or edited."""

    changefreq = "weekly"
    model: type = Province

    def items(self) -> QuerySet:
        return self.model.objects.annotate(
            latest=Max("articles__updated_at", filter=published_articles_filter("articles"))
        ).order_by("pk")

    def lastmod(self, item: Province | Country | Partner) -> datetime | None:
        return item.latest


class ProvinceSitemap(TaggedPageSitemap):
    model = Province


class CountrySitemap(TaggedPageSitemap):
    """Only the countries that have a page worth visiting: those with content."""

    model = Country

    def items(self) -> QuerySet:
        with_content = Q(articles__isnull=False) | Q(partners__isnull=False) | Q(events__isnull=False)
        return super().items().filter(pk__in=Country.objects.filter(with_content).values("pk"))


class PartnerSitemap(TaggedPageSitemap):
    model = Partner


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
