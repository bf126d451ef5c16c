"""schema.org descriptions of pages (JSON-LD), built from the same records the pages show."""

from typing import Any

from django.http import HttpRequest

from . import richtext
from .models import Article, Event, Partner

SITE_NAME = "Tòa soạn hợp tác địa phương"


def publisher(request: HttpRequest) -> dict[str, Any]:
    return {"@type": "Organization", "name": SITE_NAME, "url": request.build_absolute_uri("/")}


def breadcrumb_list(crumbs: list[tuple[str | None, str]], request: HttpRequest) -> dict[str, Any]:
    items = [(request.build_absolute_uri("/"), "Trang chủ")]
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


def event(event: Event, request: HttpRequest) -> dict[str, Any]:
    start = event.start_date.isoformat() + (f"T{event.start_time.isoformat('minutes')}" if event.start_time else "")
    place = event.venue or (event.province.full_name if event.province else "")
    address = ", ".join(part for part in (place, event.country.name if event.country else "") if part)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": start,
        "url": request.build_absolute_uri(event.get_absolute_url()),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {"@type": "Place", "name": place or address, "address": address},
        "organizer": publisher(request),
    }
    if event.end_date:
        data["endDate"] = event.end_date.isoformat()
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
