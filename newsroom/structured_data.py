"""schema.org descriptions of pages (JSON-LD), built from the same records the pages show."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import richtext
from .models import Article, Event, Partner

SITE_NAME = _("Tòa soạn hợp tác địa phương")


def publisher(request: HttpRequest) -> dict[str, Any]:
    return {"@type": "Organization", "name": SITE_NAME, "url": request.build_absolute_uri("/")}


def breadcrumb_list(crumbs: list[tuple[str | None, str]], request: HttpRequest) -> dict[str, Any]:
    items = [(request.build_absolute_uri(reverse("newsroom:home")), _("Trang chủ"))]
    items += [
        (request.build_absolute_uri(url) if url else request.build_absolute_uri(), label) for url, label in crumbs
    ]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": label, "item": url}
            for position, (url, label) in enumerate(items, start=1)
        ],
    }


def news_article(article: Article, request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "mainEntityOfPage": request.build_absolute_uri(article.get_absolute_url()),
        "datePublished": article.original_published_at or article.published_at,
        "dateModified": article.updated_at,
        "inLanguage": article.language,
        "publisher": publisher(request),
        "about": [place.name for place in article.provinces.all()] + [c.name for c in article.countries.all()],
    }
    if article.lead:
        data["description"] = article.lead
    if article.byline:
        data["author"] = {"@type": "Person", "name": article.byline}
    if article.source_name:
        data["isBasedOn"] = {
            "@type": "CreativeWork",
            "publisher": {"@type": "Organization", "name": article.source_name},
        }
        if url := richtext.web_url(article.source_url):
            data["isBasedOn"]["url"] = url
    if article.cover_image and article.cover_image.file:
        data["image"] = request.build_absolute_uri(article.cover_image.file.url)
    return data


def moment(day: datetime.date, time: datetime.time | None, zone: str) -> str:
    """A day alone when no hour is stated; an hour with the offset of the place where the event happens."""
    if time is None:
        return day.isoformat()
    return datetime.datetime.combine(day, time, tzinfo=ZoneInfo(zone)).isoformat(timespec="minutes")


def event(event: Event, request: HttpRequest) -> dict[str, Any]:
    """The organiser is not recorded, so none is named: this site only reports the event."""
    start = moment(event.start_date, event.start_time, event.timezone)
    address = event.location()
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": start,
        "url": request.build_absolute_uri(event.get_absolute_url()),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {"@type": "Place", "name": event.place() or address, "address": address},
    }
    if event.end_date or event.end_time:
        end_time = event.end_time if event.start_time else None
        data["endDate"] = moment(event.end_date or event.start_date, end_time, event.timezone)
    if event.description:
        data["description"] = richtext.plain_text(event.description)
    return data


def organization(partner: Partner, request: HttpRequest) -> dict[str, Any]:
    names = [name for name in (partner.short_name, partner.name_en, partner.name_ko) if name]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": partner.name,
        "url": request.build_absolute_uri(partner.get_absolute_url()),
        "address": {"@type": "PostalAddress", "addressCountry": partner.country.code},
    }
    if names:
        data["alternateName"] = names
    if website := richtext.web_url(partner.website):
        data["sameAs"] = website
    if partner.description:
        data["description"] = richtext.plain_text(partner.description)
    return data
