"""Site search: articles, events and partners by any of their words or names, diacritics and case aside.

Every searchable row keeps folded copies of its text (``Searchable.search_title``/``search_body``, built
from ``folding.SOURCES``). PostgreSQL matches them with full-text search in the ``newsroom_unaccent``
configuration over a GIN index of their stored vector (the ``search_vector`` column of migration 0013), and
also accepts titles and names within trigram distance (misspellings); other databases match the folded words
with a regular expression. Both rank title and name matches first.

A search asks for the places and partners the words name once, then for each kind its count and its first
rows in the order of the list (enough for the page asked for), and merges and pages those in Python.

The queries are SQL written here, not querysets: Django took longer to build and compile a search's queries
(about 20 ms of its 36 ms of Python at 100,000 articles) than PostgreSQL took to run them. Each piece is a
``Clause``, SQL with the values of its placeholders, and the /articles/ filter reuses the SELECT of articles.
"""

from __future__ import annotations

import datetime
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import quote_lexeme
from django.core.paginator import Page, PageNotAnInteger, Paginator
from django.db import connection, connections, router
from django.db.models import Model, TextChoices
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from . import reads
from .folding import fold_one_to_one, fold_with_offsets, words
from .models import Article, Country, Event, Partner, Partnership, Province
from .reads import quote
from .richtext import plain_text

CONFIG = "newsroom_unaccent"
MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
PLACES_SHOWN = 10
SNIPPET_LENGTH = 220
# Control characters (NUL included) never belong in a query; they are dropped before anything else.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Kind(TextChoices):
    ARTICLE = "article", _("Bài viết")
    EVENT = "event", _("Sự kiện")
    PARTNER = "partner", _("Đối tác")


def clean_query(raw: str) -> str:
    """What is left of a query worth searching for: printable, NFC, at most ``MAX_QUERY_LENGTH`` characters."""
    return unicodedata.normalize("NFC", CONTROL.sub(" ", raw)).strip()[:MAX_QUERY_LENGTH]


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


# A piece of SQL and the values of its placeholders.
Clause = tuple[str, list[Any]]


def joined(separator: str, clauses: Iterable[Clause]) -> Clause:
    clauses = list(clauses)
    return separator.join(sql for sql, _ in clauses), [value for _, values in clauses for value in values]


def table(model: type[Model]) -> str:
    return quote(model._meta.db_table)


def tag_links(model: type[Model], field: str) -> tuple[str, str, str]:
    """A many-to-many tag field's table of links, its column of the tagged row and its column of the tag."""
    m2m = model._meta.get_field(field)
    return quote(m2m.remote_field.through._meta.db_table), m2m.m2m_column_name(), m2m.m2m_reverse_name()


class Words:
    """The words of a query as the database matches them: on PostgreSQL full text over the stored vector (and
    trigrams for near spellings), elsewhere a regular expression over the folded columns."""

    def __init__(self, terms: list[str]) -> None:
        self.terms = terms
        self.postgresql = on_postgresql()
        self.tsquery = " & ".join(f"{quote_lexeme(term)}:*" for term in terms)
        # Every word at the start of a word, in any order: a lookahead per word. Python's "." needs (?s) for newlines.
        start = r"\m" if self.postgresql else r"\b"
        every = "".join(f"(?=.*{start}{re.escape(term)})" for term in terms)
        self.every_word = f"^{every}" if self.postgresql else f"(?s)^{every}"

    def spelled(self, alias: str) -> Clause:
        """Rows of ``alias`` holding every word as typed (diacritics and case aside) in any of their text."""
        if self.postgresql:
            return f"{alias}.search_vector @@ to_tsquery('{CONFIG}', %s)", [self.tsquery]
        return f"({alias}.search_title || ' ' || {alias}.search_body) REGEXP %s", [self.every_word]

    def near(self, alias: str) -> Clause:
        """Rows whose titles or names are within trigram distance of the words (PostgreSQL only)."""
        return f"{alias}.search_title %%>> %s", [" ".join(self.terms)]

    def title_hit(self, alias: str) -> Clause:
        """1 when every word is in the title or names, else 0: what ranks a result first."""
        operator = "~" if self.postgresql else "REGEXP"
        return f"CASE WHEN {alias}.search_title {operator} %s THEN 1 ELSE 0 END", [self.every_word]

    def rank(self, alias: str) -> Clause:
        """Full-text rank (title words weigh more than body words) on PostgreSQL; elsewhere all equal."""
        if self.postgresql:
            return f"ts_rank({alias}.search_vector, to_tsquery('{CONFIG}', %s))", [self.tsquery]
        return "0.0", []

    def found(self, model: type[Model], alias: str) -> Clause:
        """Rows of a small table (places, partners) holding the words; on PostgreSQL, when no row does, those with a
        name near them, so that a misspelling is found and a correct "hai duong" is not padded out with "hai phong".
        The near spellings are compared only when nothing is spelled as typed (4.8 → 0.1 ms for the provinces)."""
        spelled = self.spelled(alias)
        if not self.postgresql:
            return spelled
        anywhere, near = self.spelled("anywhere"), self.near(alias)
        return (
            f"CASE WHEN EXISTS (SELECT 1 FROM {table(model)} anywhere WHERE {anywhere[0]})"
            f" THEN {spelled[0]} ELSE {near[0]} END",
            [*anywhere[1], *spelled[1], *near[1]],
        )

    def text_ids(self, model: type[Model], visible: Callable[[str], Clause]) -> list[Clause]:
        """SELECTs of the ids of the ``visible`` rows of a large table holding the words; on PostgreSQL, when none
        does, also of those whose titles are near them. Two index searches, not an OR in one WHERE, which would make
        PostgreSQL read every row."""
        spelled = joined(" AND ", [visible("found"), self.spelled("found")])
        selects = [(f"SELECT found.id FROM {table(model)} found WHERE {spelled[0]}", spelled[1])]
        if self.postgresql:
            near = joined(" AND ", [visible("found"), self.near("found")])
            anywhere = joined(" AND ", [visible("anywhere"), self.spelled("anywhere")])
            selects.append(
                (
                    f"SELECT found.id FROM {table(model)} found WHERE {near[0]}"
                    f" AND NOT EXISTS (SELECT 1 FROM {table(model)} anywhere WHERE {anywhere[0]})",
                    [*near[1], *anywhere[1]],
                )
            )
        return selects


def family(ids: Clause) -> Clause:
    """The ids of these provinces and of the units merged into them."""
    return (
        f"SELECT unit.id FROM {table(Province)} unit WHERE unit.id IN ({ids[0]}) OR unit.merged_into_id IN ({ids[0]})",
        ids[1] * 2,
    )


def id_list(ids: Sequence[int]) -> Clause:
    return reads.marks(len(ids)), list(ids)


@dataclass
class Narrowing:
    """Where the results must be about: a province (with the units merged into it) and a country."""

    province: Province | None = None
    country: Country | None = None

    def articles(self, alias: str) -> list[Clause]:
        clauses = []
        if self.province:
            links, article, province = tag_links(Article, "provinces")
            units = family(id_list([self.province.pk]))
            clauses.append(
                (f"{alias}.id IN (SELECT {article} FROM {links} WHERE {province} IN ({units[0]}))", units[1])
            )
        if self.country:
            links, article, country = tag_links(Article, "countries")
            clauses.append((f"{alias}.id IN (SELECT {article} FROM {links} WHERE {country} = %s)", [self.country.pk]))
        return clauses

    def events(self, alias: str) -> list[Clause]:
        clauses = []
        if self.province:
            units = family(id_list([self.province.pk]))
            clauses.append((f"{alias}.province_id IN ({units[0]})", units[1]))
        if self.country:
            clauses.append((f"{alias}.country_id = %s", [self.country.pk]))
        return clauses

    def partners(self, alias: str) -> list[Clause]:
        clauses = []
        if self.province:
            units = family(id_list([self.province.pk]))
            clauses.append(
                (
                    f"{alias}.id IN (SELECT partnership.partner_id FROM {table(Partnership)} partnership"
                    f" WHERE partnership.province_id IN ({units[0]}))",
                    units[1],
                )
            )
        if self.country:
            clauses.append((f"{alias}.country_id = %s", [self.country.pk]))
        return clauses


@dataclass
class Links:
    """The ids (as SQL: a list of placeholders and their values) of the provinces, countries and partners the words
    name: what tags a result. The provinces bring the units merged into them."""

    provinces: Clause | None
    countries: Clause | None
    partners: Clause | None

    @classmethod
    def of_ids(cls, provinces: list[int], countries: list[int], partners: list[int]) -> Links:
        return cls(*(id_list(ids) if ids else None for ids in (provinces, countries, partners)))

    @classmethod
    def named_by(cls, matching: Words) -> Links:
        """The places and partners the words name, read in one query (for the /articles/ filter, which shows none).
        As lists of ids PostgreSQL knows how few they are; as subqueries it planned for thousands of articles and
        hashed them all (a count for "suwon": 21 ms)."""
        selects = []
        for index, model in enumerate((Province, Country, Partner)):
            found = matching.found(model, "named")
            selects.append((f"SELECT {index}, named.id FROM {table(model)} named WHERE {found[0]}", found[1]))
        ids: tuple[list[int], list[int], list[int]] = ([], [], [])
        with connections[router.db_for_read(Province)].cursor() as cursor:
            cursor.execute(*joined(" UNION ALL ", selects))
            for index, pk in cursor.fetchall():
                ids[index].append(pk)
        return cls.of_ids(*ids)


def published_articles(narrowing: Narrowing) -> Callable[[str], Clause]:
    published = reads.published_params(Article)
    return lambda alias: joined(
        " AND ", [(reads.published_article_where(alias), published), *narrowing.articles(alias)]
    )


def published_events(narrowing: Narrowing) -> Callable[[str], Clause]:
    published = reads.published_params(Event)
    return lambda alias: joined(" AND ", [(reads.published_event(alias), published), *narrowing.events(alias)])


def article_ids(matching: Words, narrowing: Narrowing, links: Links) -> Clause:
    """A SELECT of the ids of the published articles with the words in their text or tagged with a place or partner
    the words name: one list from index searches (the text, then each tag table), not an OR over joins."""
    selects = matching.text_ids(Article, published_articles(narrowing))
    for tag_field, ids in (
        ("provinces", links.provinces),
        ("countries", links.countries),
        ("partners", links.partners),
    ):
        if ids:
            tags, article, tag = tag_links(Article, tag_field)
            ids = family(ids) if tag_field == "provinces" else ids
            selects.append((f"SELECT {article} FROM {tags} WHERE {tag} IN ({ids[0]})", ids[1]))
    return joined(" UNION ", selects)


def event_ids(matching: Words, narrowing: Narrowing, links: Links) -> Clause:
    """A SELECT of the ids of the published events with the words in their text or of a place or partner they name."""
    selects = matching.text_ids(Event, published_events(narrowing))
    if links.provinces:
        units = family(links.provinces)
        selects.append((f"SELECT event.id FROM {table(Event)} event WHERE event.province_id IN ({units[0]})", units[1]))
    if links.countries:
        countries = links.countries
        selects.append(
            (f"SELECT event.id FROM {table(Event)} event WHERE event.country_id IN ({countries[0]})", countries[1])
        )
    if links.partners:
        tags, event, partner = tag_links(Event, "partners")
        selects.append((f"SELECT {event} FROM {tags} WHERE {partner} IN ({links.partners[0]})", links.partners[1]))
    return joined(" UNION ", selects)


def matching_article_ids(terms: list[str]) -> Clause:
    """What the /articles/ filter keeps for these words: the SELECT /search/ finds articles with."""
    matching = Words(terms)
    return article_ids(matching, Narrowing(), Links.named_by(matching))


def edited_ids(model: type[Model], terms: list[str], typed: list[str], unfolded: Sequence[str] = ()) -> Clause:
    """For the admin, PostgreSQL only: a SELECT of the ids of the rows, of any status, holding every word at the start
    of a word of their text (the stored vector's index) or anywhere in their titles or names (the trigram index
    serves LIKE), or, as Django's admin search matches, each ``typed`` bit anywhere in one of the ``unfolded``
    fields. One SELECT each, joined by UNION: an OR of them in one WHERE read every row."""
    matching, like = Words(terms), connections[router.db_for_read(model)].ops.prep_for_like_query
    spelled = matching.spelled("found")
    inside = joined(" AND ", [("found.search_title LIKE %s", [f"%{like(term)}%"]) for term in terms])
    selects = [
        (f"SELECT found.id FROM {table(model)} found WHERE {spelled[0]}", spelled[1]),
        (f"SELECT found.id FROM {table(model)} found WHERE {inside[0]}", inside[1]),
    ]
    if unfolded and typed:
        columns = [quote(model._meta.get_field(name).column) for name in unfolded]
        each_bit = [
            joined(" OR ", [(f"found.{column} ILIKE %s", [f"%{like(bit)}%"]) for column in columns]) for bit in typed
        ]
        every = joined(" AND ", [(f"({sql})", values) for sql, values in each_bit])
        selects.append((f"SELECT found.id FROM {table(model)} found WHERE {every[0]}", every[1]))
    return joined(" UNION ", selects)


# A partner named by the query comes before the stories about it, as the answer to "what is this".
PRIORITY = {Kind.ARTICLE: 0, Kind.EVENT: 0, Kind.PARTNER: 1}


@dataclass
class Hit:
    kind: str
    item: Any
    snippet: SafeString


@dataclass
class Results:
    query: str
    terms: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    page: Page | None = None
    hits: list[Hit] = field(default_factory=list)
    provinces: list[Province] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    respelled: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def kind_counts(self) -> list[tuple[str, str, int]]:
        return [(kind, label, self.counts.get(kind, 0)) for kind, label in Kind.choices]


# What a result row shows of each kind: its model and the foreign keys read with it (no pictures or tags).
SHOWN = {Kind.ARTICLE: (Article, ()), Kind.EVENT: (Event, ()), Kind.PARTNER: (Partner, ("country",))}
UNSHOWN = ("search_title", "search_body")


def fetch(kind: str, pks: list[int]) -> dict[int, Any]:
    """The items of one kind on the page, in one query."""
    if not pks:
        return {}
    model, related = SHOWN[kind]
    rows = reads.read_rows(model, related, f"row.id IN ({reads.marks(len(pks))})", pks, omitted=UNSHOWN)
    return {row.pk: row for row in rows}


def text_of(kind: str, item: Any) -> str:
    """The words a snippet is cut from: rich text (bodies, descriptions) without its markup."""
    if kind == Kind.ARTICLE:
        return "\n\n".join(filter(None, [item.lead, plain_text(item.body)]))
    if kind == Kind.EVENT:
        return plain_text(item.description) or item.venue
    return plain_text(item.description) or "\n".join(filter(None, [item.name_en, item.name_ko, item.aliases]))


def search(query: str, kinds: list[str], narrowing: Narrowing, page_number: Any, per_page: int) -> Results:
    """Run a search: counts per kind, the requested page of ranked hits, and the places the words name.

    The number of queries does not depend on the number of matches. Where nothing matches and the database
    has no trigram matching, words close to a place or partner name are tried instead (``respelled``).
    A page number that is not a page raises ``InvalidPage``.
    """
    terms = words(query)[:MAX_WORDS]
    if not terms:
        return Results(query=query, terms=terms)
    results = run(query, terms, kinds, narrowing, page_number, per_page)
    if results.total or on_postgresql():
        return results
    respelled = respell(terms)
    if respelled == terms:
        return results
    results = run(query, respelled, kinds, narrowing, page_number, per_page)
    results.respelled = True
    return results


def respell(terms: list[str]) -> list[str]:
    """Each word that starts no word of a place or partner name replaced by the closest such word, if close."""
    names = [Model.objects.values_list("search_title", flat=True).order_by() for Model in (Province, Country, Partner)]
    vocabulary = {word for title in names[0].union(*names[1:]).order_by() for word in words(title)}
    respelled = []
    for term in terms:
        known = any(word.startswith(term) for word in vocabulary)
        close = [] if known else difflib.get_close_matches(term, vocabulary, n=1, cutoff=0.75)
        respelled.append(close[0] if close else term)
    return respelled


# A row of the ranked list: kind, id, title hit, rank and date, in the order the columns are sorted by.
Row = tuple[str, int, int, float, datetime.datetime | None]


def as_datetime(value: datetime.date | datetime.datetime) -> datetime.datetime:
    """A day as its midnight in UTC, so that events' dates and articles' times sort together."""
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time())
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def ranked_rows(
    kind: str, matching: Words, visible: Callable[[str], Clause], ids: Clause, limit: int
) -> tuple[int, list[Row]]:
    """How many of one kind's ``visible`` rows are among ``ids``, and the first ``limit`` of them in the order of
    the list: the rows of a kind keep the order of the whole list, so the top rows of each kind hold the page.
    One query, written here rather than by Django, whose building and compiling of it cost more than running it."""
    model, _ = SHOWN[kind]
    date = model._meta.get_field("published_at" if kind == Kind.ARTICLE else "start_date")
    where = joined(" AND ", [visible("row"), (f"row.id IN ({ids[0]})", ids[1])])
    database = router.db_for_read(model)
    with connections[database].cursor() as cursor:
        if not limit:
            cursor.execute(f"SELECT COUNT(*) FROM {table(model)} row WHERE {where[0]}", where[1])
            return cursor.fetchone()[0], []
        hit, rank = matching.title_hit("row"), matching.rank("row")
        cursor.execute(
            f"SELECT row.id, {hit[0]}, {rank[0]}, row.{quote(date.column)}, COUNT(*) OVER ()"
            f" FROM {table(model)} row WHERE {where[0]} ORDER BY 2 DESC, 3 DESC, 4 DESC, 1 DESC LIMIT %s",
            [*hit[1], *rank[1], *where[1], limit],
        )
        rows = cursor.fetchall()
    convert = reads.converter(date, database)
    found = [(kind, pk, in_title, score, as_datetime(convert(value))) for pk, in_title, score, value, _ in rows]
    return (rows[0][-1] if rows else 0), found


def partner_rows(matching: Words, narrowing: Narrowing) -> list[tuple[int, int, float, bool]]:
    """The partners the words name (id, title hit, rank), and whether the narrowing keeps each: those it leaves
    out still tag the articles and events found."""
    found, hit, rank = matching.found(Partner, "row"), matching.title_hit("row"), matching.rank("row")
    wanted = joined(" AND ", narrowing.partners("row")) if narrowing.province or narrowing.country else ("1 = 1", [])
    with connections[router.db_for_read(Partner)].cursor() as cursor:
        cursor.execute(
            f"SELECT row.id, {hit[0]}, {rank[0]}, CASE WHEN {wanted[0]} THEN 1 ELSE 0 END"
            f" FROM {table(Partner)} row WHERE {found[0]}",
            [*hit[1], *rank[1], *wanted[1], *found[1]],
        )
        return [(pk, in_title, score, bool(keep)) for pk, in_title, score, keep in cursor.fetchall()]


def list_order(row: Row) -> tuple:
    """Title hits first, then partners, then higher rank, newer, by kind and newer id: the list's order."""
    kind, pk, hit, rank, date = row
    return (-hit, -PRIORITY[kind], -rank, (0, -date.timestamp()) if date else (1, 0), kind, -pk)


def page_limit(page_number: Any, per_page: int) -> int:
    """How many rows of each kind the page needs at most: those of the pages before it too."""
    try:
        number = int(page_number)
    except (TypeError, ValueError) as error:
        raise PageNotAnInteger("That page number is not an integer") from error
    # A page past the last one is refused once the counts are known; a huge number only asks for every row.
    return max(1, min(number, 10**9)) * per_page


def run(
    query: str, terms: list[str], kinds: list[str], narrowing: Narrowing, page_number: Any, per_page: int
) -> Results:
    results = Results(query=query, terms=terms)
    limit = page_limit(page_number, per_page)
    matching = Words(terms)
    # The places and partners the words name, each table once: shown above the results, and the tags that find
    # articles and events.
    provinces = named_places(Province, matching, ("-is_current", "name"))
    countries = named_places(Country, matching, ("name",))
    partner_found = partner_rows(matching, narrowing)
    results.provinces = provinces[:PLACES_SHOWN]
    results.countries = countries[:PLACES_SHOWN]
    links = Links.of_ids([p.pk for p in provinces], [c.pk for c in countries], [row[0] for row in partner_found])
    rows: list[Row] = []
    for kind, visible, ids in (
        (Kind.ARTICLE, published_articles(narrowing), article_ids(matching, narrowing, links)),
        (Kind.EVENT, published_events(narrowing), event_ids(matching, narrowing, links)),
    ):
        results.counts[kind], found = ranked_rows(kind, matching, visible, ids, limit if kind in kinds else 0)
        rows += found
    partners = sorted(
        ((Kind.PARTNER, pk, hit, rank, None) for pk, hit, rank, wanted in partner_found if wanted), key=list_order
    )
    results.counts[Kind.PARTNER] = len(partners)
    if Kind.PARTNER in kinds:
        rows += partners[:limit]
    rows.sort(key=list_order)
    paginator = Paginator(rows, per_page)
    # The rows are those of the first pages only; the counts say how many there are in all.
    paginator.count = sum(results.counts[kind] for kind in kinds)
    results.page = paginator.page(page_number)
    page_rows = list(results.page.object_list)
    items = {kind: fetch(kind, [row[1] for row in page_rows if row[0] == kind]) for kind in SHOWN}
    results.hits = [
        Hit(kind, item, snippet(text_of(kind, item), terms))
        for kind, pk, *_ in page_rows
        if (item := items[kind].get(pk))
    ]
    return results


def named_places(model: type[Model], matching: Words, ordering: tuple[str, ...]) -> list[Model]:
    """The provinces or countries the words name, without their search columns."""
    found = matching.found(model, "row")
    return reads.read_rows(model, (), found[0], found[1], ordering, omitted=UNSHOWN)


def folded_for_snippet(text: str) -> tuple[str, Sequence[int]]:
    """``fold_with_offsets``, faster where every character folds to one character, as in most texts."""
    folded = fold_one_to_one(text)
    return (folded, range(len(text))) if folded is not None else fold_with_offsets(text)


def snippet(text: str, terms: list[str], length: int = SNIPPET_LENGTH) -> SafeString:
    """A passage of ``text`` around the first word of the query, escaped, with the query's words in <mark>."""
    text = unicodedata.normalize("NFC", text)
    folded, offsets = folded_for_snippet(text)
    spans = []
    for term in terms:
        # Where a word starts with the term. Checked here rather than by a look-behind in the pattern, which stops
        # the regular expression engine from skipping ahead to the term's first letter (three times slower).
        for match in re.finditer(re.escape(term), folded):
            before = folded[match.start() - 1] if match.start() else " "
            if not (before.isalnum() or before == "_"):  # \w, as Python defines it
                spans.append((offsets[match.start()], offsets[match.end() - 1] + 1))
    spans.sort()
    start = max(0, spans[0][0] - length // 3) if spans else 0
    end = min(len(text), start + length)
    if start:
        start = text.find(" ", start, spans[0][0] if spans else end) + 1 or start
    pieces, cursor = [], start
    for span_start, span_end in spans:
        if span_start < cursor or span_end > end:
            continue
        pieces.append((text[cursor:span_start], text[span_start:span_end]))
        cursor = span_end
    marked = format_html_join("", "{}<mark>{}</mark>", pieces)
    return format_html(
        "{}{}{}{}", "… " if start else "", marked, escape(text[cursor:end]), " …" if end < len(text) else ""
    )
