import datetime
import json
import math
from collections.abc import Iterable
from functools import cache
from html import escape

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import translate_url
from django.utils import formats, timezone, translation
from django.utils.encoding import escape_uri_path
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from newsroom import richtext
from newsroom.models import Article, Event, Image, NamedInLanguages, Partner, Partnership
from newsroom.reads import Place, places_of
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

    Drawn here, with the standard library's ``html.escape`` (Django's own escape is the same function behind a
    lazy-string check that costs more than the escaping): list pages draw twenty photos."""
    rendered = image.picture()
    if rendered is None:
        return ""
    sizes = escape(sizes)
    sources = "".join(
        f'<source type="{escape(source.mime_type)}" srcset="{escape(source.srcset)}" sizes="{sizes}">'
        for source in rendered.sources
    )
    return mark_safe(
        f"<picture>{sources}<img{f' class="{escape(img_class)}"' if img_class else ''}"
        f' src="{escape(rendered.src)}" srcset="{escape(rendered.srcset)}" sizes="{sizes}"'
        f' width="{int(rendered.width)}" height="{int(rendered.height)}" alt="{escape(image.alt_text)}"'
        f'{' loading="lazy"' if lazy else ""} decoding="async"{' fetchpriority="high"' if priority else ""}></picture>'
    )


@register.simple_tag
def figure(
    image: Image,
    sizes: str,
    caption: str = "",
    figure_class: str = "",
    img_class: str = "",
    lazy: bool = False,
    priority: bool = False,
) -> SafeString:
    """A photo with its caption and credit; where the source named a photo without its file, a note says so."""
    if image.file:
        photo = picture(image, sizes, img_class=img_class, lazy=lazy, priority=priority)
    else:
        missing = translation.gettext("Ảnh không có sẵn: nguồn chỉ nêu chú thích.")
        photo = f'<p class="figure__missing">{escape(missing)}</p>'
    credit = f' <span class="credit">({escape(image.credit)})</span>' if image.credit else ""
    figcaption = f"<figcaption>{conditional_escape(caption)}{credit}</figcaption>" if caption or credit else ""
    classes = f"figure {escape(figure_class)}" if figure_class else "figure"
    return mark_safe(f'<figure class="{classes}">{photo}{figcaption}</figure>')


@cache
def choice_labels(field: models.Field) -> dict[object, object]:
    return dict(field.flatchoices)


def choice_label(instance: models.Model, field_name: str) -> str:
    """``get_<field>_display()``: the label of the field's value in the reader's language (the value itself if it
    is no choice). Django's rebuilds and translates every choice of the field on each call: on a province page
    its event and partnership rows made 300 translations for the 60 labels they show."""
    field = instance._meta.get_field(field_name)
    value = getattr(instance, field.attname)
    return str(choice_labels(field).get(value, value))


def name_link(item: NamedInLanguages) -> str:
    """A place or partner as a link to its page, named in the reader's language."""
    return f'<a href="{escape(item.get_absolute_url())}">{escape(item.localized_name)}</a>'


def place_links(places: list[Place]) -> str:
    """ " · Hải Phòng, Hải Dương · Hàn Quốc": the provinces, then the countries."""
    groups: dict[str, list[str]] = {}
    for place in places:
        groups.setdefault(place.view, []).append(name_link(place))
    return "".join(" · " + ", ".join(links) for links in groups.values())


CARD_PHOTO_SIZES = "(min-width: 60rem) 23rem, (min-width: 35rem) 50vw, 100vw"


@register.simple_tag
def article_cards(articles: Iterable[Article]) -> SafeString:
    """Articles in a list, each as a card: photo, title, date, places and lead.

    Drawn in Python: as an included template a card cost 0.6 ms (most of a list's rendering), here a fraction
    of that. The places of all the cards are read in one query. Every value is escaped where it is written."""
    articles = list(articles)
    places = places_of(articles)
    return mark_safe("".join(article_card(article, places[article.pk]) for article in articles))


def article_card(article: Article, places: list[Place]) -> str:
    original = ' lang="vi"' if article.shows_original else ""
    photo = ""
    if article.cover_image and article.cover_image.file:
        cover = article.cover_image
        photo = figure(cover, CARD_PHOTO_SIZES, cover.caption, "card__figure", "card__image", lazy=True)
    published = timezone.localtime(article.published_at)
    lead = ""
    if article.lead:
        lead = f'<p class="card__lead"{original}>{escape(Truncator(article.lead).words(40, truncate=" …"))}</p>'
    return (
        f'<article class="card">{photo}<h3 class="card__title"{original}>'
        f'<a href="{escape(article.get_absolute_url())}">{escape(article.title)}</a></h3>'
        f'<p class="card__meta"><time datetime="{published.strftime("%Y-%m-%dT%H:%M:%S%z")}">'
        f"{escape(formats.date_format(published, 'DATE_FORMAT'))}</time>{place_links(places)}</p>{lead}</article>"
    )


@register.simple_tag
def event_item(event: Event) -> SafeString:
    """An event in a list: date or dates, title, kind and place. In Python for the reason cards are."""
    photo = event.image if event.image and event.image.file else None
    dates = escape(formats.date_format(event.start_date, "DATE_FORMAT"))
    if event.end_date and event.end_date != event.start_date:
        dates += "–" + escape(formats.date_format(event.end_date, "DATE_FORMAT"))
    meta = escape(choice_label(event, "kind"))
    for place in (event.province, event.country):
        if place:
            meta += " · " + escape(place.localized_name)
    if photo and photo.credit:
        meta += f' · <span class="credit">{escape(photo.credit)}</span>'
    original = ' lang="vi"' if event.shows_original else ""
    image = picture(photo, "5rem", img_class="event-item__image", lazy=True) if photo else ""
    return mark_safe(
        f'<li class="event-item{" event-item--with-image" if photo else ""}">{image}'
        f'<time datetime="{event.start_date.isoformat()}">{dates}</time> '
        f'<a href="{escape(event.get_absolute_url())}"{original}>{escape(event.title)}</a> '
        f'<span class="event-item__meta">{meta}</span></li>'
    )


@register.simple_tag
def partner_item(partner: Partner) -> SafeString:
    """A partner in a list: logo, name, short name and kind."""
    logo = partner.logo if partner.logo and partner.logo.file else None
    image = picture(logo, "3rem", img_class="partner-logo", lazy=True) + " " if logo else ""
    short_name = f" ({escape(partner.short_name)})" if partner.short_name else ""
    credit = f' <small class="credit">· {escape(logo.credit)}</small>' if logo and logo.credit else ""
    return mark_safe(
        f'<li class="partner-item">{image}{name_link(partner)}{short_name}'
        f" <small>{escape(choice_label(partner, 'kind'))}</small>{credit}</li>"
    )


@register.simple_tag
def partnership_row(partnership: Partnership) -> SafeString:
    """A partnership as a row of the partnerships table: its province, partner, kind, age and next anniversary.

    In Python for the reason cards are: a province lists a score of them, each row a dozen template lookups."""
    gettext = translation.gettext
    province, partner = partnership.province, partnership.partner
    merged = ""
    if province.merged_into:
        merged = (
            f" <small>({gettext('nay thuộc %(unit)s') % {'unit': escape(province.merged_into.localized_name)}})</small>"
        )
    country = escape(partner.country.localized_name) if partner.country else ""
    kind = escape(choice_label(partnership, "kind"))
    if partnership.status != Partnership.State.ACTIVE:
        kind += f" <small>({escape(choice_label(partnership, 'status').lower())})</small>"
    years = partnership.years_running()
    anniversary = partnership.upcoming_anniversary()
    upcoming = "—"
    if anniversary and anniversary.day:
        day = escape(formats.date_format(anniversary.day, "SHORT_DATE_FORMAT"))
        upcoming = f"<strong>{gettext('%(years)s năm (%(day)s)') % {'years': anniversary.years, 'day': day}}</strong>"
    elif anniversary:
        upcoming = f"<strong>{gettext('%(years)s năm (%(year)s)') % anniversary._asdict()}</strong>"
    return mark_safe(
        f'<tr id="partnership-{int(partnership.pk)}"{' class="anniversary"' if anniversary else ""}>'
        f"<td>{name_link(province)}{merged}</td><td>{name_link(partner)} <small>({country})</small></td>"
        f"<td>{kind}</td>"
        f"<td>{escape(str(partnership.established_year or '—'))}</td>"
        f"<td>{'—' if years is None else years}</td><td>{upcoming}</td></tr>"
    )
