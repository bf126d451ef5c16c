"""Site search: articles, events and partners by any of their words or names, diacritics and case aside.

Every searchable row keeps folded copies of its text (``Searchable.search_title``/``search_body``, built
from ``folding.SOURCES``). PostgreSQL matches them with full-text search in the ``newsroom_unaccent``
configuration over a GIN index of their stored vector (the ``search_vector`` column of migration 0012), and
also accepts titles and names within trigram distance (misspellings); other databases match the folded words
with a regular expression. Both rank title and name matches first.

A search asks for the places and partners the words name once, then for each kind its count and its first
rows in the order of the list (enough for the page asked for), and merges and pages those in Python.
"""

from __future__ import annotations

import datetime
import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.lookups import TrigramStrictWordSimilar
from django.contrib.postgres.search import Lexeme, SearchQuery, SearchRank, SearchVectorExact, SearchVectorField
from django.core.paginator import Page, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    TextChoices,
    Value,
    When,
    Window,
)
from django.db.models.expressions import Col
from django.db.models.fields import DateTimeField, IntegerField
from django.db.models.functions import Cast
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .folding import fold_one_to_one, fold_with_offsets, words
from .models import Article, Country, Event, Partner, Province
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


def word_pattern(word: str) -> str:
    """A regular expression for a word starting with ``word``, in the database's dialect."""
    start = r"\m" if on_postgresql() else r"\b"
    return start + re.escape(word)


def title_hit(terms: list[str]) -> Case:
    """1 when every word of the query is in the title or names, else 0: what ranks a result first."""
    condition = Q()
    for term in terms:
        condition &= Q(search_title__regex=word_pattern(term))
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


# The ``search_vector`` column that migration 0012 adds on PostgreSQL: 0006's vector of the two folded columns
# (titles and names weighted A, the rest B), stored. It is no model field, so that nothing else reads or writes it.
VECTOR_COLUMN = SearchVectorField()
VECTOR_COLUMN.set_attributes_from_name("search_vector")
VECTOR_COLUMN.model = None  # of whichever table the query reads


class StoredVector(Expression):
    """The stored ``search_vector`` of the query's own table (PostgreSQL only)."""

    output_field = SearchVectorField()

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> Col:
        return Col(query.get_initial_alias(), VECTOR_COLUMN)


def ts_query(terms: list[str]) -> SearchQuery:
    lexemes = Lexeme(terms[0], prefix=True)
    for term in terms[1:]:
        lexemes &= Lexeme(term, prefix=True)
    return SearchQuery(lexemes, config=CONFIG)


def text_ids(queryset: QuerySet, terms: list[str]) -> list[QuerySet]:
    """Subqueries whose union is the ids of the rows of ``queryset`` holding every word of the query as the
    start of a word; on PostgreSQL, when no row does, also those with a title or name within trigram distance.

    A list rather than one union, so that callers can add their own subqueries to one flat UNION."""
    if on_postgresql():
        exact = queryset.filter(SearchVectorExact(StoredVector(), ts_query(terms))).values("pk")
        # Near spellings of titles and names, only where nothing is spelled as typed: a misspelling is found,
        # and a correct "hai duong" is not padded out with "hai phong".
        near = TrigramStrictWordSimilar(F("search_title"), Value(" ".join(terms)))
        # Two index searches joined by id (full text, then trigram); an OR of the two in one WHERE would make
        # PostgreSQL read every row instead.
        return [exact, queryset.filter(Q(near) & ~Exists(exact)).values("pk")]
    condition = Q()
    for term in terms:
        pattern = word_pattern(term)
        condition &= Q(search_title__regex=pattern) | Q(search_body__regex=pattern)
    return [queryset.filter(condition).values("pk")]


def text_matches(queryset: QuerySet, terms: list[str]) -> QuerySet:
    """The rows of ``queryset`` that ``text_ids`` finds."""
    ids = text_ids(queryset, terms)
    return queryset.filter(pk__in=ids[0].union(*ids[1:]) if len(ids) > 1 else ids[0])


def matching_places(model: type, terms: list[str]) -> QuerySet:
    return text_matches(model.objects.all(), terms)


def named(queryset: QuerySet, terms: list[str]) -> QuerySet:
    """What ``text_matches`` finds in a small table (places, partners), in one simple query: the rows that hold
    the words, each ``spelled`` as typed or not; ``spelled_first`` then keeps only those spelled as typed if any is.
    An OR of full text and trigram in one WHERE reads the whole table, which is fine for a few hundred rows; the
    near spellings are only looked for when no row of the table is spelled as typed (``spelled_first`` would drop
    them), which spares PostgreSQL a trigram comparison per row (4.8 → 0.1 ms for the provinces of "hai duong").
    """
    if on_postgresql():
        exact = SearchVectorExact(StoredVector(), ts_query(terms))
        near = TrigramStrictWordSimilar(F("search_title"), Value(" ".join(terms)))
        spelled_somewhere = Exists(queryset.model.objects.filter(exact))
        return queryset.annotate(spelled=exact).filter(Q(exact) | (~spelled_somewhere & Q(near)))
    return text_matches(queryset, terms).annotate(spelled=Value(True))


def spelled_first(rows: list) -> list:
    """The rows of ``named`` spelled as typed, or if none is, the near spellings."""
    return [row for row in rows if row.spelled] or rows


@dataclass
class Narrowing:
    """Where the results must be about: a province (with the units merged into it) and a country."""

    province: Province | None = None
    country: Country | None = None

    def family(self) -> QuerySet:
        return Province.objects.family_of(self.province).values("pk")

    def articles(self, queryset: QuerySet) -> QuerySet:
        if self.province:
            queryset = queryset.for_province(self.province)
        if self.country:
            queryset = queryset.filter(pk__in=Article.objects.filter(countries=self.country).values("pk"))
        return queryset

    def events(self, queryset: QuerySet) -> QuerySet:
        if self.province:
            queryset = queryset.filter(province__in=self.family())
        if self.country:
            queryset = queryset.filter(country=self.country)
        return queryset

    def partners(self, queryset: QuerySet) -> QuerySet:
        if self.province:
            queryset = queryset.filter(
                pk__in=Partner.objects.filter(partnerships__province__in=self.family()).values("pk")
            )
        if self.country:
            queryset = queryset.filter(country=self.country)
        return queryset


Links = dict[str, Any]


def place_links(terms: list[str]) -> Links:
    """Subqueries of the provinces (with their merged units), countries and partners named by the query."""
    return links_to(
        matching_places(Province, terms).values("pk"),
        matching_places(Country, terms).values("pk"),
        matching_places(Partner, terms).values("pk"),
    )


def links_to(provinces: Any, countries: Any, partners: Any) -> Links:
    """The provinces (with the units merged into them), countries and partners that tag a result, as ids or
    subqueries of ids."""
    return {
        "provinces": Province.objects.filter(Q(pk__in=provinces) | Q(merged_into__in=provinces)).values("pk"),
        "countries": countries,
        "partners": partners,
    }


def article_matches(terms: list[str], narrowing: Narrowing, links: Links | None = None) -> QuerySet:
    """Published articles with the words in their text, or about a place or partner the words name."""
    links = place_links(terms) if links is None else links
    # One id list from index searches (text, then each tag table), not an OR over joins of every article's tags.
    tagged = [
        Article._meta.get_field(field).remote_field.through.objects.filter(**{f"{column}__in": links[field]})
        for field, column in (("provinces", "province_id"), ("countries", "country_id"), ("partners", "partner_id"))
    ]
    published = narrowing.articles(Article.objects.published())
    by_text = text_ids(published, terms)
    ids = by_text[0].union(*by_text[1:], *(rows.values("article_id") for rows in tagged))
    return published.filter(pk__in=ids).annotate(
        title_hit=title_hit(terms), rank=rank_of(terms), date=F("published_at")
    )


def rank_of(terms: list[str]) -> SearchRank | Value:
    """Full-text rank (title words weigh more than body words) on PostgreSQL; elsewhere all equal."""
    if on_postgresql():
        return SearchRank(StoredVector(), ts_query(terms))
    return Value(0.0, output_field=FloatField())


def event_matches(terms: list[str], narrowing: Narrowing, links: Links | None = None) -> QuerySet:
    links = place_links(terms) if links is None else links
    linked = Event.objects.filter(
        Q(province__in=links["provinces"]) | Q(country__in=links["countries"]) | Q(partners__in=links["partners"])
    ).values("pk")
    published = narrowing.events(Event.objects.published())
    by_text = text_ids(published, terms)
    return published.filter(pk__in=by_text[0].union(*by_text[1:], linked)).annotate(
        title_hit=title_hit(terms),
        rank=rank_of(terms),
        date=Cast("start_date", DateTimeField()),
    )


def partner_matches(terms: list[str], narrowing: Narrowing, links: Links | None = None) -> QuerySet:
    return narrowing.partners(matching_places(Partner, terms)).annotate(
        title_hit=title_hit(terms),
        rank=rank_of(terms),
        date=Value(None, output_field=DateTimeField()),
    )


MATCHERS = {Kind.ARTICLE: article_matches, Kind.EVENT: event_matches, Kind.PARTNER: partner_matches}
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


def fetch(kind: str, pks: list[int]) -> dict[int, Any]:
    """The items of one kind on the page, with what their result rows show (no pictures or tags), in one query."""
    if not pks:
        return {}
    if kind == Kind.ARTICLE:
        queryset = Article.objects.all()
    elif kind == Kind.EVENT:
        queryset = Event.objects.all()
    else:
        queryset = Partner.objects.select_related("country")
    return queryset.defer("search_title", "search_body").in_bulk(pks)


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


def ranked_rows(kind: str, queryset: QuerySet, limit: int) -> tuple[int, list[Row]]:
    """How many rows one kind's matches have, and the first ``limit`` of them in the order of the list.

    One query: the rows of a kind keep the order of the whole list, so the top rows of each kind hold the page."""
    if not limit:
        return queryset.count(), []
    rows = list(
        queryset.annotate(total=Window(Count("*")))
        .order_by(F("title_hit").desc(), F("rank").desc(), F("date").desc(nulls_last=True), "-pk")
        .values_list("pk", "title_hit", "rank", "date", "total")[:limit]
    )
    found = []
    for pk, hit, rank, date, _total in rows:
        if date is not None and not isinstance(date, datetime.datetime):
            date = datetime.datetime.combine(date, datetime.time())
        if date is not None and date.tzinfo is None:
            date = date.replace(tzinfo=datetime.UTC)
        found.append((kind, pk, hit, rank, date))
    total = rows[0][-1] if rows else 0
    return total, found


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
    # The places the words name, each table once: shown above the results, and the tags that find articles.
    unshown = ("search_title", "search_body")
    provinces = spelled_first(list(named(Province.objects.defer(*unshown), terms).order_by("-is_current", "name")))
    countries = spelled_first(list(named(Country.objects.defer(*unshown), terms).order_by("name")))
    narrowed = (
        Q(pk__in=narrowing.partners(Partner.objects.all()).values("pk"))
        if narrowing.province or narrowing.country
        else Value(True)
    )
    partner_rows = spelled_first(
        list(
            named(Partner.objects.all(), terms)
            .annotate(
                title_hit=title_hit(terms),
                rank=rank_of(terms),
                wanted=ExpressionWrapper(narrowed, output_field=BooleanField()),
            )
            .values_list("pk", "title_hit", "rank", "wanted", "spelled", named=True)
        )
    )
    results.provinces = provinces[:PLACES_SHOWN]
    results.countries = countries[:PLACES_SHOWN]
    links = links_to(
        [province.pk for province in provinces], [country.pk for country in countries], [row[0] for row in partner_rows]
    )
    rows: list[Row] = []
    for kind in (Kind.ARTICLE, Kind.EVENT):
        matches = MATCHERS[kind](terms, narrowing, links)
        results.counts[kind], found = ranked_rows(kind, matches, limit if kind in kinds else 0)
        rows += found
    partners = sorted(
        ((Kind.PARTNER, pk, hit, rank, None) for pk, hit, rank, wanted, _ in partner_rows if wanted), key=list_order
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
    items = {kind: fetch(kind, [row[1] for row in page_rows if row[0] == kind]) for kind in MATCHERS}
    results.hits = [
        Hit(kind, item, snippet(text_of(kind, item), terms))
        for kind, pk, *_ in page_rows
        if (item := items[kind].get(pk))
    ]
    return results


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
