"""A news index and its news pages, the way Wagtail's tutorial (blog index + blog pages) and bakerydemo do them."""

from typing import Any

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.http import HttpRequest
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class NewsIndexPage(Page):
    intro = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["news.NewsPage"]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The live news pages under this index, newest first, 20 to a page."""
        context = super().get_context(request, *args, **kwargs)
        news_pages = NewsPage.objects.live().child_of(self).order_by("-date", "-pk")
        paginator = Paginator(news_pages, 20)
        try:
            news_pages = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            news_pages = paginator.page(1)
        except EmptyPage:
            news_pages = paginator.page(paginator.num_pages)
        context["news_pages"] = news_pages
        return context


class NewsPage(Page):
    date = models.DateField("Post date", db_index=True)
    intro = models.CharField(max_length=250)
    body = RichTextField(blank=True)

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    content_panels = [*Page.content_panels, FieldPanel("date"), FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []
