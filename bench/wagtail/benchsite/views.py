from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

# The same constant 2 KB page as the project's own ceiling view.
CEILING_PAGE = (
    b"<!doctype html><html lang=en><head><meta charset=utf-8><title>ceiling</title></head><body><p>"
    + b"x" * 1936
    + b"</p></body></html>\n"
)


@require_GET
def ceiling(request: HttpRequest) -> HttpResponse:
    """A constant 2 KB page through the same middleware as Wagtail's pages: the benchmark's ceiling."""
    return HttpResponse(CEILING_PAGE)
