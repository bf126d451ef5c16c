import datetime
import json
import math

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import translate_url
from django.utils import translation
from django.utils.encoding import escape_uri_path
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from newsroom import richtext
from newsroom.models import Image
from newsroom.structured_data import breadcrumb_list

register = template.Library()

# The same escapes as Django's json_script: nothing in the data can close the <script> element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(data: dict) -> SafeString:
    """Structured data for crawlers, as a JSON-LD script element."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@register.simple_tag(takes_context=True)
def absolute_url(context: template.Context, url: str) -> str:
    """A path made absolute; a URL that already is one (a photo in object storage) stays as it is."""
    return context["request"].build_absolute_uri(url)


@register.simple_tag(takes_context=True)
def breadcrumb_json_ld(context: template.Context, crumbs: list[tuple[str | None, str]]) -> SafeString:
    return ld_json(breadcrumb_list(crumbs, context["request"]))


@register.simple_tag(takes_context=True)
def page_languages(context: template.Context) -> list[dict[str, str | bool]]:
    """This page in every language: its address, the language's own name, and whether it is the one shown."""
    request = context["request"]
    current = translation.get_language()
    return [
        {
            "code": code,
            "name": name,
            "url": request.build_absolute_uri(translate_url(local_path(request.get_full_path()), code)),
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]


@register.filter
def cooloff_minutes(duration: datetime.timedelta) -> int:
    """Whole minutes of a lockout, rounded up, for the sign-in lockout page."""
    return math.ceil(duration.total_seconds() / 60)


@register.filter
def rich_text(value: str) -> SafeString:
    """A rich-text field as cleaned HTML: the only way a body or description reaches a page."""
    return richtext.render(value or "")


@register.filter
def plain_text(value: str) -> str:
    """A rich-text field's words alone, for meta descriptions (escaped by the template as usual)."""
    return richtext.plain_text(value or "")


@register.filter
def web_url(value: str) -> str:
    """An http(s) address to link to, or nothing."""
    return richtext.web_url(value or "")


@register.simple_tag(takes_context=True)
def canonical_url(context: template.Context) -> str:
    """This page's address without filters or download formats; past the first page, a list keeps its number."""
    request = context["request"]
    page = context.get("page_obj")
    suffix = f"?page={page.number}" if page is not None and page.number > 1 else ""
    # request.path is decoded: a line break in it would vanish when the URL is parsed ("/\r/[" → "//[").
    return request.build_absolute_uri(local_path(escape_uri_path(request.path))) + suffix


def local_path(path: str) -> str:
    """The path with one leading slash: "//[" (from /%2F%5B) would otherwise be read as a host name."""
    return "/" + path.lstrip("/")


@register.simple_tag
def picture(
    image: Image, sizes: str, img_class: str = "", lazy: bool = False, priority: bool = False
) -> SafeString | str:
    """A photo as <picture>: WebP renditions first, the fallback format in the <img>, the intrinsic size given.

    Drawn here rather than by an included template: list pages draw twenty, and an include costs several times
    the markup."""
    rendered = image.picture()
    if rendered is None:
        return ""
    sources = format_html_join(
        "", '<source type="{}" srcset="{}" sizes="{}">', ((s.mime_type, s.srcset, sizes) for s in rendered.sources)
    )
    attributes = format_html(
        '{} src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{} decoding="async"{}',
        format_html(' class="{}"', img_class) if img_class else "",
        rendered.src,
        rendered.srcset,
        sizes,
        rendered.width,
        rendered.height,
        image.alt_text,
        mark_safe(' loading="lazy"') if lazy else "",
        mark_safe(' fetchpriority="high"') if priority else "",
    )
    return format_html("<picture>{}<img{}></picture>", sources, attributes)
