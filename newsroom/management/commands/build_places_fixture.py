"""Generate fixtures/places.json from maintained sources instead of typing places in by hand.

Provinces come from the ``vietnam-provinces`` package (GPL, a development requirement only, so it is
imported nowhere else), countries from ``django-countries``. The output is deterministic, and
``--check`` tells whether the committed fixture is exactly what the sources give.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from types import ModuleType
from typing import Any

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models
from django.utils import translation
from django_countries import countries

from newsroom.models import Country, Province, vietnamese_slugify

FIXTURE_PATH = Path(settings.BASE_DIR) / "fixtures" / "places.json"

# The package's merger table is derived from its ward table, where one ward of Tân An city (legacy
# ward 27691, "Phường 4", district 794) is filed under province 82, Tiền Giang, instead of 80, Long An;
# the package's own legacy ward and district records put it in Long An. That single stray row makes
# Tiền Giang look partly merged into Tây Ninh. By Resolution 202/2025/QH15 Tiền Giang merged whole into
# Đồng Tháp, so this link is dropped. Keyed on names (legacy, current): codes were reused across eras.
WRONG_MERGER_LINKS = {("Tiền Giang", "Tây Ninh")}

# Former names the package does not know. Thừa Thiên Huế province became the centrally-run city of Huế
# on 1 January 2025 (Resolution 175/2024/QH15), before the package's pre-2025 snapshot was taken, so
# even its legacy data only says "Thành phố Huế"; old articles still say "Thừa Thiên Huế".
FORMER_NAMES = {"Huế": ("Thừa Thiên Huế", "Tỉnh Thừa Thiên Huế")}

# English names that are not simply the Vietnamese name without diacritics.
ENGLISH_NAMES = {"Hồ Chí Minh": "Ho Chi Minh City", "Hà Nội": "Hanoi"}

MUNICIPALITY_TYPE = "thành phố trung ương"
PREFIX = re.compile(r"^(Tỉnh|Thành phố) (?P<name>.+)$")

# Tone marks as combining characters: huyền, sắc, ngã, hỏi, nặng.
TONES = "\u0300\u0301\u0303\u0309\u0323"
OPEN_GLIDE = re.compile(rf"(?<![qQ])([oOuU])([{TONES}]?)([aAeEyY])([{TONES}]?)(?![\w\u0300-\u036f])")


@dataclass(frozen=True)
class Unit:
    """A province-level unit as the package describes it, in one era."""

    code: int
    full_name: str
    kind: str

    @property
    def name(self) -> str:
        match = PREFIX.match(self.full_name)
        if match is None:
            raise CommandError(f"Unexpected province name without Tỉnh/Thành phố: {self.full_name!r}")
        return match["name"]

    @property
    def code_text(self) -> str:
        return f"{self.code:02d}"


def as_units(provinces: Iterable[Any]) -> dict[int, Unit]:
    """The package's provinces keyed by their code within their own era."""
    return {
        int(p.code): Unit(
            code=int(p.code),
            full_name=unicodedata.normalize("NFC", p.name),
            kind=Province.Kind.MUNICIPALITY if p.division_type == MUNICIPALITY_TYPE else Province.Kind.PROVINCE,
        )
        for p in provinces
    }


def import_vietnam_provinces() -> tuple[ModuleType, ModuleType]:
    """Import the GPL package only when the generator runs, with a hint when it is missing."""
    try:
        import vietnam_provinces
        import vietnam_provinces.legacy
    except ImportError as error:
        raise CommandError("vietnam-provinces is missing: pip install -r requirements-dev.txt") from error
    return vietnam_provinces, vietnam_provinces.legacy


def tone_placement_variant(name: str) -> str:
    """The name with the tone on the other vowel of an open "oa", "oe" or "uy" ("Hoà" ↔ "Hòa").

    Both placements are in use, and the package itself mixes them ("Tỉnh Hoà Bình", "Tỉnh Khánh Hòa").
    """

    def move_tone(match: re.Match[str]) -> str:
        first, first_tone, second, second_tone = match.groups()
        if (first + second).lower() not in {"oa", "oe", "uy"} or bool(first_tone) == bool(second_tone):
            return match[0]
        return first + second_tone + second + first_tone

    return unicodedata.normalize("NFC", OPEN_GLIDE.sub(move_tone, unicodedata.normalize("NFD", name)))


def english_name(name: str) -> str:
    """The conventional English name, else the name without diacritics (đ → d)."""
    if name in ENGLISH_NAMES:
        return ENGLISH_NAMES[name]
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def alias_lines(name: str, other_names: Iterable[str]) -> str:
    """Other names to find a unit by, one a line, without repeats or the name itself."""
    candidates = list(other_names)
    candidates += [tone_placement_variant(candidate) for candidate in [name, *candidates]]
    return "\n".join(dict.fromkeys(candidate for candidate in candidates if candidate != name))


def merger_targets(legacy: dict[int, Unit], current: dict[int, Unit], sources: dict[int, list[int]]) -> dict[int, int]:
    """Each legacy unit's code mapped to the code of the one current unit that absorbed it (or is it)."""
    targets: dict[int, set[int]] = {code: set() for code in legacy}
    for new, olds in sources.items():
        for old in olds:
            targets[old].add(new)
    for legacy_name, current_name in WRONG_MERGER_LINKS:
        wrong = [
            (old, new)
            for old, news in targets.items()
            for new in news
            if (legacy[old].name, current[new].name) == (legacy_name, current_name)
        ]
        if not wrong:
            raise CommandError(f"The package no longer links {legacy_name} to {current_name}: drop that correction.")
        for old, new in wrong:
            targets[old].discard(new)
    unclear = {
        legacy[old].name: sorted(current[new].name for new in news) for old, news in targets.items() if len(news) != 1
    }
    if unclear:
        raise CommandError(f"Legacy units without exactly one current unit: {unclear}")
    return {old: news.pop() for old, news in targets.items()}


def build_provinces() -> list[Province]:
    """All 63 legacy units: the 34 that live on under their own name are current, the 29 others merged.

    A current unit is matched to the legacy unit whose name it carries, among the units merged into it:
    codes cannot be compared, because the 2025 codes reuse legacy codes of other units (52 was Bình Định
    and is now Gia Lai, which was 64).
    """
    package, legacy_package = import_vietnam_provinces()
    legacy = as_units(legacy_package.Province.iter_all())
    current_provinces = list(package.Province.iter_all())
    current = as_units(current_provinces)
    if (len(legacy), len(current)) != (63, 34):
        raise CommandError(
            f"Expected 63 legacy and 34 current units, the package has {len(legacy)} and {len(current)}."
        )
    sources = {int(p.code): [int(source.code) for source in p.get_legacy_sources()] for p in current_provinces}
    targets = merger_targets(legacy, current, sources)

    namesakes: dict[int, int] = {}
    for new, unit in current.items():
        matches = [old for old, target in targets.items() if target == new and legacy[old].name == unit.name]
        if len(matches) != 1:
            raise CommandError(f"{unit.full_name} does not carry the name of exactly one unit merged into it.")
        namesakes[new] = matches[0]
    unknown = set(FORMER_NAMES) - {unit.name for unit in current.values()}
    if unknown:
        raise CommandError(f"Former names given for units the package does not have: {sorted(unknown)}")

    current_rows: dict[int, Province] = {}
    for new, unit in current.items():
        old = legacy[namesakes[new]]
        current_rows[new] = Province(
            name=unit.name,
            full_name=unit.full_name,
            name_en=english_name(unit.name),
            slug=vietnamese_slugify(unit.name),
            legacy_code=old.code_text,
            code=unit.code_text,
            kind=unit.kind,
            is_current=True,
            merged_into=None,
            aliases=alias_lines(unit.name, [unit.full_name, old.full_name, *FORMER_NAMES.get(unit.name, ())]),
        )
    merged_rows = [
        Province(
            name=unit.name,
            full_name=unit.full_name,
            name_en=english_name(unit.name),
            slug=vietnamese_slugify(unit.name),
            legacy_code=unit.code_text,
            code=None,
            kind=unit.kind,
            is_current=False,
            merged_into=current_rows[targets[old]],
            aliases=alias_lines(unit.name, [unit.full_name]),
        )
        for old, unit in legacy.items()
        if old not in namesakes.values()
    ]
    # Current units first, so that loaddata finds every merged_into target already saved.
    rows = sorted(current_rows.values(), key=attrgetter("slug")) + sorted(merged_rows, key=attrgetter("slug"))
    slugs = [row.slug for row in rows]
    if len(set(slugs)) != len(slugs) or not all(slug.isascii() and slug for slug in slugs):
        raise CommandError(f"Province slugs are not unique, non-empty ASCII: {slugs}")
    return rows


def build_countries() -> list[Country]:
    """Every ISO 3166-1 country, named from django-countries' own catalogues.

    ``translation.override`` loads any installed catalogue whatever ``LANGUAGES`` says; if a catalogue
    ever went missing, Django would fall back to English silently, so that case is refused.
    """
    codes = sorted({code for code, _ in countries})
    names: dict[str, dict[str, str]] = {}
    for language in ("vi", "en", "ko"):
        with translation.override(language):
            names[language] = {code: str(countries.name(code)) for code in codes}
    for language in ("vi", "ko"):
        if names[language] == names["en"]:
            raise CommandError(f"django-countries gave no {language} country names: is its catalogue installed?")
    return [
        Country(code=code.upper(), name=names["vi"][code], name_en=names["en"][code], name_ko=names["ko"][code])
        for code in codes
    ]


def render(rows: list[models.Model]) -> str:
    """The fixture text, with natural keys so that it loads into any database."""
    # Check lengths and choices here, since SQLite would not; merged_into is left out because checking
    # a foreign key needs the target in the database.
    for row in rows:
        row.full_clean(exclude=["merged_into"], validate_unique=False, validate_constraints=False)
    return serializers.serialize("json", rows, indent=2, use_natural_foreign_keys=True, use_natural_primary_keys=True)


class Command(BaseCommand):
    help = "Generate fixtures/places.json (provinces and countries) from vietnam-provinces and django-countries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; exit non-zero if fixtures/places.json differs from what would be generated.",
        )

    def handle(self, *args: Any, check: bool, **options: Any) -> None:
        text = render([*build_countries(), *build_provinces()])
        if check:
            existing = FIXTURE_PATH.read_text(encoding="utf-8") if FIXTURE_PATH.exists() else None
            if existing != text:
                raise CommandError(f"{FIXTURE_PATH} is out of date: run manage.py build_places_fixture.")
            self.stdout.write(f"{FIXTURE_PATH} is up to date.")
            return
        FIXTURE_PATH.parent.mkdir(parents=True, exist_ok=True)
        FIXTURE_PATH.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {FIXTURE_PATH}.")
