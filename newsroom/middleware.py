"""Which language a request is served in."""

from django.http import HttpRequest
from django.middleware import locale
from django.utils import translation

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
