"""Text folded for matching: lower case, no Vietnamese diacritics, đ as d — the way readers type it.

Kept apart from the models and the search queries so that migrations can import it safely.
"""

import html
import re
import unicodedata
from functools import lru_cache

from django.utils.html import strip_tags

# Which text each searchable model folds into its two columns: names and titles, which rank first, then
# the rest. One place to list them: translated fields (title_en, body_ko…) are added here.
LANGUAGE_CODES = ("vi", "en", "ko")


def in_every_language(*fields: str) -> tuple[str, ...]:
    """The columns django-modeltranslation keeps for these fields, one per language (title_vi, title_en…)."""
    return tuple(f"{field}_{code}" for field in fields for code in LANGUAGE_CODES)


SOURCES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "newsroom.article": (in_every_language("title"), in_every_language("lead", "body")),
    "newsroom.event": (in_every_language("title"), in_every_language("description", "venue")),
    "newsroom.partner": (("name", "short_name", "name_en", "name_ko", "aliases"), in_every_language("description")),
    "newsroom.province": (("name", "full_name", "name_en", "name_ko", "aliases"), ()),
    "newsroom.country": (("name", "name_en", "name_ko", "aliases"), ()),
}

WORD = re.compile(r"\w+")


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """One character folded; usually one character, never a combining mark on its own."""
    if char in "đĐ":
        return "d"
    decomposed = unicodedata.normalize("NFD", char)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Hangul syllables decompose into jamo, which are letters, not marks: those stay whole.
    return (char if bare == decomposed else bare).lower()


class FoldTable(dict[int, str]):
    """``fold_char`` as a table for ``str.translate``, filled as characters are met: translating a text runs in
    C, ten times faster than folding it character by character in Python (search folds every snippet's text).

    Remembers which characters fold to other than one character, so that offsets can be skipped when none occur.
    Stops growing at ``LIMIT`` characters (a text of every code point must not fill the memory)."""

    LIMIT = 1 << 16

    def __init__(self) -> None:
        super().__init__()
        self.irregular: set[str] = set()

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        if len(folded) != 1:
            self.irregular.add(chr(code))
        if len(self) < self.LIMIT:
            self[code] = folded
        return folded


FOLD_TABLE = FoldTable()


def fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(FOLD_TABLE)


def fold_one_to_one(text: str) -> str | None:
    """The folded text when every character of ``text`` folds to exactly one (so offsets are the identity)."""
    folded = text.translate(FOLD_TABLE)
    return folded if FOLD_TABLE.irregular.isdisjoint(text) else None


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the character of ``text`` it came from.

    ``text`` must already be in NFC (as Django forms and fixtures leave it) for the offsets to mean anything.
    """
    pieces: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        folded = fold_char(char)
        pieces.append(folded)
        offsets.extend([index] * len(folded))
    return "".join(pieces), offsets


def words(text: str) -> list[str]:
    """The folded words of a query or a text, in order, without punctuation."""
    return WORD.findall(fold(text))


def folded_values(label: str, instance: object) -> dict[str, str]:
    """The two search columns of a row: works on models and on historical models in migrations."""
    title_fields, body_fields = SOURCES[label]

    def joined(fields: tuple[str, ...]) -> str:
        return "\n".join(str(value) for name in fields if (value := getattr(instance, name, None)))

    # Bodies and descriptions are rich text: their words are matched, not their tags or entities.
    body = html.unescape(strip_tags(joined(body_fields)))
    return {"search_title": fold(joined(title_fields)), "search_body": fold(body)}


def fill_search_columns(apps: object, schema_editor: object) -> None:
    """Fold the text of the rows that exist already (a data migration); saves keep the columns current after."""
    for label in SOURCES:
        model = apps.get_model(label)
        rows = list(model.objects.all())
        for row in rows:
            for column, value in folded_values(label, row).items():
                setattr(row, column, value)
        model.objects.bulk_update(rows, ["search_title", "search_body"], batch_size=500)
