"""Request-wide behaviour: which language a request is served in, and a plain 503 page, not a server error,
when the database cannot be reached (the site recovers by itself)."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware import locale
from django.template import loader
from django.utils import translation

logger = logging.getLogger(__name__)

# Paths outside the language prefixes whose readers are programs, not people following a link: they say what
# language they want in Accept-Language instead.
NEGOTIATED_PATHS = ("/api/",)


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's: the URL prefix decides (none means Vietnamese), except for the API, which honours Accept-Language."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        if request.path_info.startswith(NEGOTIATED_PATHS):
            language = translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection into 503 with Retry-After.

    The page is rendered without the request, so nothing in it (the user, the session) asks the database again.
    The next request connects afresh: CONN_HEALTH_CHECKS drops the broken connection first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable for %s %s: %s", request.method, request.path, exception)
        page = loader.get_template("503.html").render({"retry_after": settings.NEWSROOM_DATABASE_RETRY_AFTER})
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(settings.NEWSROOM_DATABASE_RETRY_AFTER)
        response["Cache-Control"] = "no-store"
        return response
