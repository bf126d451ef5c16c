"""Rich text: the small HTML an editor may write in an article body or a description, and nothing else.

Stored values are HTML fragments cleaned by nh3 (the Ammonia sanitiser) on every save, and cleaned again when
rendered, so markup that reached the database another way (a raw SQL edit, an old backup) cannot run either.
Paragraphs may also be plain text separated by a blank line, as the source articles are.
"""

import html
import re

import nh3
from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.safestring import SafeString, mark_safe

# What a news story needs: paragraphs, sub-headings, emphasis, links, lists and quotations. No images (photos
# go through the image library, with alt text and renditions), no tables, no classes, no styles.
ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "figure",
    "figcaption",
    "q",
    "sub",
    "sup",
    "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
ALLOWED_ATTRIBUTE_VALUES = {"a": {"target": {"_blank"}}}
URL_SCHEMES = {"http", "https", "mailto"}
BLOCK_START = re.compile(r"^<(p|h[2-4]|ul|ol|blockquote|figure)[\s>]", re.IGNORECASE)


def clean(value: str) -> str:
    """The fragment with everything outside the allow-list removed; links open nothing with access to the page."""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render(value: str) -> SafeString:
    """Cleaned HTML for a page; a block of plain text between blank lines becomes a paragraph."""
    blocks = [block.strip() for block in value.replace("\r\n", "\n").split("\n\n") if block.strip()]
    wrapped = "\n".join(block if BLOCK_START.match(block) else f"<p>{block}</p>" for block in blocks)
    return mark_safe(clean(wrapped))  # nh3 has just removed everything outside the allow-list


def web_url(value: str) -> str:
    """The address if it is an http(s) URL, else nothing: a stored ``javascript:`` URL must never become a link."""
    value = value.strip()
    return value if re.match(r"https?://", value, re.IGNORECASE) else ""


def plain_text(value: str) -> str:
    """The words alone, for feeds, summaries and search engines."""
    return html.unescape(nh3.clean(value, tags=set()))


def from_plain_text(text: str) -> str:
    """Plain text as a rich-text fragment that shows it exactly (a visitor's submission, say)."""
    return html.escape(text, quote=False)


@receiver(pre_save)
def clean_rich_text_fields(sender: type[models.Model], instance: models.Model, raw: bool, **kwargs: object) -> None:
    """Every save of a model naming ``rich_text_fields`` cleans them, whichever code path saves it.

    Fixture loading (raw) stores what the fixture holds: fixtures are ours, and pages clean on output anyway.
    """
    if raw:
        return
    for name in getattr(sender, "rich_text_fields", ()):
        value = getattr(instance, name)
        if value:
            setattr(instance, name, clean(value))
