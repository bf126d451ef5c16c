"""RSS feeds: the latest news, and the news of one province, country or partner."""

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import richtext
from .models import Article, Country, Partner, Province

FEED_SIZE = 30


class LatestArticlesFeed(Feed):
    feed_type = Rss201rev2Feed
    title = _("Tin mới · Tòa soạn hợp tác địa phương")
    description = _("Tin hợp tác quốc tế mới nhất của các tỉnh, thành phố Việt Nam.")

    @property
    def language(self) -> str:
        return translation.get_language()

    def link(self, obj: Any = None) -> str:
        return reverse("newsroom:article-list")

    def articles(self, obj: Any) -> QuerySet:
        return Article.objects.published()

    def items(self, obj: Any = None) -> list[Article]:
        return list(self.articles(obj).prefetch_related("provinces", "countries", "topics")[:FEED_SIZE])

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.lead or richtext.plain_text((item.paragraphs() or [""])[0])

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Article) -> datetime:
        return item.published_at

    def item_updateddate(self, item: Article) -> datetime:
        return item.updated_at

    def item_author_name(self, item: Article) -> str | None:
        return item.byline or None

    def item_categories(self, item: Article) -> list[str]:
        return [tag.name for tags in (item.provinces, item.countries, item.topics) for tag in tags.all()]


class ProvinceFeed(LatestArticlesFeed):
    """A current unit's feed carries the news of the units merged into it."""

    def get_object(self, request: HttpRequest, slug: str) -> Province:
        return get_object_or_404(Province, slug=slug)

    def title(self, obj: Province) -> str:
        return gettext("%(name)s · Tòa soạn hợp tác địa phương") % {"name": obj.localized_full_name}

    def description(self, obj: Province) -> str:
        return gettext("Tin hợp tác quốc tế của %(name)s.") % {"name": obj.localized_full_name}

    def link(self, obj: Province) -> str:
        return obj.get_absolute_url()

    def articles(self, obj: Province) -> QuerySet:
        return Article.objects.published().for_province(obj)


class CountryFeed(LatestArticlesFeed):
    def get_object(self, request: HttpRequest, code: str) -> Country:
        if len(code) != 2 or code != code.lower():
            raise Http404(_("Không có quốc gia này."))
        return get_object_or_404(Country, code=code.upper())

    def title(self, obj: Country) -> str:
        return gettext("%(name)s · Tòa soạn hợp tác địa phương") % {"name": obj.localized_name}

    def description(self, obj: Country) -> str:
        return gettext("Tin hợp tác địa phương với %(name)s.") % {"name": obj.localized_name}

    def link(self, obj: Country) -> str:
        return obj.get_absolute_url()

    def articles(self, obj: Country) -> QuerySet:
        return Article.objects.published().tagged("countries", [obj.pk])


class PartnerFeed(LatestArticlesFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Partner:
        return get_object_or_404(Partner, slug=slug)

    def title(self, obj: Partner) -> str:
        return gettext("%(name)s · Tòa soạn hợp tác địa phương") % {"name": obj.localized_name}

    def description(self, obj: Partner) -> str:
        return gettext("Tin về %(name)s.") % {"name": obj.localized_name}

    def link(self, obj: Partner) -> str:
        return obj.get_absolute_url()

    def articles(self, obj: Partner) -> QuerySet:
        return Article.objects.published().tagged("partners", [obj.pk])
