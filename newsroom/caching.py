"""Whole pages and costly fragments kept in Django's cache, and thrown away by content changes.

Every cache key carries the content *version*: a timestamp set again whenever content the public may see is
saved or deleted (signals below), and when the next scheduled publication comes due. Old entries are never
deleted one by one; they stop being asked for and expire. The version is also the pages' Last-Modified.
"""

import hashlib
import math
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, set_response_etag
from django.utils.http import http_date
from whitenoise.middleware import WhiteNoiseMiddleware

from .models import (
    Article,
    ArticleImage,
    Correction,
    Country,
    Event,
    Image,
    Partner,
    Partnership,
    Province,
    Status,
    Topic,
)

VERSION_KEY = "newsroom:version"

# What public pages show: a change to any of these is a change to some page.
CONTENT_MODELS = (Article, ArticleImage, Correction, Country, Event, Image, Partner, Partnership, Province, Topic)


def enabled() -> bool:
    return settings.NEWSROOM_CACHE_SECONDS > 0


def content_version() -> float:
    """The current version; a scheduled publication whose time has come starts a new one."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time(), None)
        version = cache.get(VERSION_KEY) or time.time()
    if next_publication(version) <= time.time():
        return new_version()
    return version


def new_version() -> float:
    version = time.time()
    cache.set(VERSION_KEY, version, None)
    return version


def next_publication(version: float) -> float:
    """When the earliest scheduled article or event goes public (a timestamp; infinity if none is scheduled),
    remembered per version."""
    key = f"newsroom:next:{version}"
    due = cache.get(key)
    if due is None:
        now = timezone.now()
        times = [
            model.objects.filter(status=Status.PUBLISHED, published_at__gt=now).aggregate(at=Min("published_at"))["at"]
            for model in (Article, Event)
        ]
        upcoming = [moment.timestamp() for moment in times if moment is not None]
        due = min(upcoming) if upcoming else math.inf
        cache.set(key, due, settings.NEWSROOM_CACHE_SECONDS)
    return due


def timeout(version: float) -> int:
    """How long an entry of this version may live: no longer than until the next scheduled publication."""
    due = next_publication(version)
    return max(1, math.ceil(min(settings.NEWSROOM_CACHE_SECONDS, due - time.time())))


def cached[T](name: str, compute: Callable[[], T]) -> T:
    """A costly fragment of content (e.g. counts per province), kept until the content changes."""
    if not enabled():
        return compute()
    version = content_version()
    key = f"newsroom:fragment:{version}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout(version))
    return value


def content_changed(**kwargs: Any) -> None:
    """Start a new version now, and again once the transaction commits: a page rendered from the data as it
    was before the commit must not be kept under the version that follows it."""
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    new_version()
    transaction.on_commit(new_version)


for model in CONTENT_MODELS:
    post_save.connect(content_changed, sender=model, dispatch_uid=f"cache-save-{model.__name__}")
    post_delete.connect(content_changed, sender=model, dispatch_uid=f"cache-delete-{model.__name__}")
for field_model, field in [
    (Article, "provinces"),
    (Article, "countries"),
    (Article, "partners"),
    (Article, "events"),
    (Article, "topics"),
    (Event, "partners"),
    (Partnership, "articles"),
]:
    through = getattr(field_model, field).through
    m2m_changed.connect(content_changed, sender=through, dispatch_uid=f"cache-m2m-{through.__name__}")


def page_is_shareable(request: HttpRequest) -> bool:
    """Only a visitor with no session (so never staff) asking to read a public page gets a shared copy."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path.startswith(settings.NEWSROOM_UNCACHED_PATHS)
    )


def response_is_shareable(response: HttpResponse) -> bool:
    """A page that set a cookie (a CSRF token, a session) or asked not to be stored is personal."""
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def page_key(request: HttpRequest, version: float) -> str:
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"newsroom:page:{version}:{language}:{digest}"


class PageCacheMiddleware:
    """Serve anonymous readers a stored copy of a public page while the content version holds.

    Every shareable answer says when the content last changed (Last-Modified) and asks browsers to check
    back each time (max-age=0); ConditionalGetMiddleware turns a matching check into a 304.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not (enabled() and page_is_shareable(request)):
            return self.get_response(request)
        version = content_version()
        key = page_key(request, version)
        response = cache.get(key)
        if response is not None:
            return response
        response = self.get_response(request)
        if request.method == "GET" and response_is_shareable(response):
            response["Last-Modified"] = http_date(math.ceil(version))
            patch_cache_control(response, max_age=0)
            set_response_etag(response)  # once, stored with the page, rather than on every hit
            # The handler has rendered template responses by now, so the stored copy holds the whole page.
            cache.set(key, response, timeout(version))
        return response


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, with hashed files cached for a year (its default, ten years, is longer than HTTP advises)."""

    FOREVER = 365 * 24 * 60 * 60
