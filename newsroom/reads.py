"""The reads of the busiest public pages, as SQL written once per process.

Django compiles a queryset anew on every request. For the few queries that every article, province, country and
home page makes (an article's tags, card places, event lists, partnership rows) compiling took longer than
PostgreSQL took to plan and run them. Each query here is written once per process from the models' ``_meta``;
its rows are read into model instances as the ORM reads them (the backend's converters, select_related's and
prefetch_related's caches), from the database the router reads from. tests/test_reads.py checks each against the
queryset it stands for, value by value, on both databases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple, overload

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Col
from django.utils import timezone

from .models import (
    CARD_DEFERRED,
    EVENT_ORDER,
    EVENT_RELATED,
    PARTNERSHIP_RELATED,
    Article,
    Country,
    Event,
    NamedInLanguages,
    Partner,
    Partnership,
    Province,
    Status,
    slug_url,
)


@dataclass(frozen=True)
class Place(NamedInLanguages):
    """A province or country as an article card names it: a plain row, not a model instance."""

    view: str
    kwarg: str
    slug: str
    name: str
    name_en: str | None
    name_ko: str | None

    def get_absolute_url(self) -> str:
        return slug_url(self.view, self.slug, kwarg=self.kwarg)


# The tag fields a card names, in order: the SQL of each tag's URL part, and the view and argument it fills.
PLACE_KINDS = {
    "provinces": ("tag.slug", "newsroom:province-detail", "slug"),
    "countries": ("LOWER(tag.code)", "newsroom:country-detail", "code"),
}


def places_of(articles: list[Article]) -> dict[int, list[Place]]:
    """Each article's provinces, then its countries, each by name: one query for a whole list of cards, read
    from the database the articles came from (the replica, where there is one), as Django's prefetching did.

    Written as SQL: Django's prefetching built a manager and a model instance per tag and compiled two queries,
    8 ms for a page of twenty cards; this is 1 ms."""
    article_ids = [article.pk for article in articles]
    places: dict[int, list[Place]] = {pk: [] for pk in article_ids}
    if not article_ids:
        return places
    parts, targets = [], []
    for kind, (field, (slug, view, kwarg)) in enumerate(PLACE_KINDS.items()):
        targets.append((view, kwarg))
        m2m = Article._meta.get_field(field)
        links = m2m.remote_field.through._meta.db_table
        tag_column = f"{m2m.m2m_reverse_field_name()}_id"
        parts.append(
            f"SELECT link.article_id, {kind}, {slug}, tag.name, tag.name_en, tag.name_ko"
            f" FROM {links} link JOIN {m2m.related_model._meta.db_table} tag ON tag.id = link.{tag_column}"
            f" WHERE link.article_id IN ({marks(len(article_ids))})"
        )
    database = articles[0]._state.db or router.db_for_read(Article)
    with connections[database].cursor() as cursor:
        cursor.execute(f"{' UNION ALL '.join(parts)} ORDER BY 2, 4", article_ids * len(parts))
        for article_id, kind, *place in cursor.fetchall():
            places[article_id].append(Place(*targets[kind], *place))
    return places


# What an article's page shows beside it: each relation with the foreign keys its rows are read with.
ARTICLE_PAGE_RELATIONS: dict[str, tuple[str, ...]] = {
    "provinces": ("merged_into",),
    "countries": (),
    "partners": ("country",),
    "events": (),
    "topics": (),
    "placements": ("image",),
    "corrections": (),
}


def quote(name: str) -> str:
    """An SQL identifier in standard double quotes, as both PostgreSQL and SQLite read them."""
    return f'"{name}"'


class Join(NamedTuple):
    """A foreign key read with a row: its path from the row ("partner__country"), the alias of the table it
    starts from and of the table it reaches."""

    path: str
    parent: str
    alias: str
    foreign_key: models.ForeignKey


@cache
def joins_of(model: type[models.Model], joined: tuple[str, ...]) -> tuple[Join, ...]:
    """The joins that read the foreign keys ``joined`` (paths as select_related takes them, parents first)."""
    aliases, models_at = {"": "row"}, {"": model}
    joins = []
    for index, path in enumerate(joined):
        parent, _, name = path.rpartition("__")
        foreign_key = models_at[parent]._meta.get_field(name)
        aliases[path], models_at[path] = f"joined{index}", foreign_key.related_model
        joins.append(Join(path, aliases[parent], aliases[path], foreign_key))
    return tuple(joins)


def read_fields(model: type[models.Model], omitted: tuple[str, ...] = ()) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if field.attname not in omitted]


def selected_with(model: type[models.Model], joined: tuple[str, ...], omitted: tuple[str, ...] = ()) -> tuple[str, str]:
    """The columns of ``model`` (as ``row``, but those ``omitted``) and of the rows its foreign keys ``joined``
    point to (``joined0``…), each model's in ``concrete_fields`` order as ``read_instances`` reads them; and the
    LEFT JOINs that read them."""
    joins = joins_of(model, joined)
    tables = [
        ("row", read_fields(model, omitted)),
        *((join.alias, read_fields(join.foreign_key.related_model)) for join in joins),
    ]
    columns = ", ".join(f"{alias}.{quote(field.column)}" for alias, fields in tables for field in fields)
    clauses = "".join(
        f" LEFT JOIN {quote(join.foreign_key.related_model._meta.db_table)} {join.alias}"
        f" ON {join.alias}.{quote(join.foreign_key.target_field.column)}"
        f" = {join.parent}.{quote(join.foreign_key.column)}"
        for join in joins
    )
    return columns, clauses


def order_of(model: type[models.Model], ordering: Iterable[str], joined: tuple[str, ...] = ()) -> str:
    """An ORDER BY from field names as ``Meta.ordering`` gives them ("-start_date", "pk", "partner__name"); a
    field of another table must be on a path ``joined``."""
    tables = {
        "": ("row", model),
        **{join.path: (join.alias, join.foreign_key.related_model) for join in joins_of(model, joined)},
    }
    order = []
    for key in ordering:
        path, _, name = key.removeprefix("-").rpartition("__")
        alias, table = tables[path]
        column = (table._meta.pk if name == "pk" else table._meta.get_field(name)).column
        order.append(f"{alias}.{quote(column)}{' DESC' if key.startswith('-') else ''}")
    return ", ".join(order)


@cache
def relation_sql(name: str, joined: tuple[str, ...]) -> str:
    """The SELECT of one relation's rows for one article, in the related model's order, with the rows of their
    foreign keys ``joined``."""
    field = Article._meta.get_field(name)
    model = field.related_model
    columns, joins = selected_with(model, joined)
    if field.many_to_many:
        through = field.remote_field.through._meta
        source = (
            f"{quote(through.db_table)} link JOIN {quote(model._meta.db_table)} row"
            f" ON row.{quote(model._meta.pk.column)} = link.{quote(field.m2m_reverse_name())}"
        )
        where = f"link.{quote(field.m2m_column_name())} = %s"
    else:
        source = f"{quote(model._meta.db_table)} row"
        where = f"row.{quote(field.field.column)} = %s"
    return f"SELECT {columns} FROM {source}{joins} WHERE {where} ORDER BY {order_of(model, model._meta.ordering)}"


def read_page_relations(article: Article) -> None:
    """Read what ``ARTICLE_PAGE_RELATIONS`` lists into the article, as ``prefetch_related`` would (so
    ``article.provinces.all()`` and the rest need no query), from the database the article came from.

    Seven prefetches compiled seven queries through the ORM, 11.6 ms for the page at 100,000 articles; the same
    seven SELECTs written once per process and read into instances with ``from_db`` take 3 ms. Events the public
    may not see yet are left out by ``Event.is_published``, as ``Event.objects.published()`` would."""
    database = article._state.db or router.db_for_read(Article)
    with connections[database].cursor() as cursor:
        for name, joined in ARTICLE_PAGE_RELATIONS.items():
            model = Article._meta.get_field(name).related_model
            cursor.execute(relation_sql(name, joined), [article.pk])
            rows = read_instances(model, joined, database, cursor.fetchall())
            if model is Event:
                rows = [event for event in rows if event.is_published()]
            prefetched(article, name, rows)


def read_instances(
    model: type[models.Model],
    joined: tuple[str, ...],
    database: str,
    rows: list[tuple],
    omitted: tuple[str, ...] = (),
) -> list[models.Model]:
    """Model instances from rows laid out by ``selected_with``, each with its joined rows cached as select_related
    would (and the fields ``omitted`` deferred, as ``defer`` would), every value passed through the converters
    Django's compiler would apply (SQLite's dates are text)."""
    connection = connections[database]
    joins = joins_of(model, joined)
    models_read = [model, *(join.foreign_key.related_model for join in joins)]
    fields = [read_fields(model, omitted), *(read_fields(each) for each in models_read[1:])]
    names = [[field.attname for field in each] for each in fields]
    converters = []
    for index, field in enumerate(field for each in fields for field in each):
        found, column = converters_of(field, connection)
        if found:
            converters.append((index, found, column))
    instances = []
    for row in rows:
        values = list(row)
        for index, found, column in converters:
            for convert in found:
                values[index] = convert(values[index], column, connection)
        instance = model.from_db(database, names[0], values[: len(names[0])])
        read: dict[str, models.Model | None] = {"row": instance}
        start = len(names[0])
        for join, related_model, related_names in zip(joins, models_read[1:], names[1:], strict=True):
            related = values[start : start + len(related_names)]
            start += len(related_names)
            target = None if related[0] is None else related_model.from_db(database, related_names, related)
            read[join.alias] = target
            if (parent := read[join.parent]) is not None:
                join.foreign_key.set_cached_value(parent, target)
        instances.append(instance)
    return instances


def converters_of(field: models.Field, connection: BaseDatabaseWrapper) -> tuple[list[Callable], Col]:
    """What Django's compiler passes a value of ``field`` through as it reads it from this database, and the
    column they are given."""
    column = field.get_col(field.model._meta.db_table)
    return connection.ops.get_db_converters(column) + field.get_db_converters(connection), column


def converter(field: models.Field, database: str) -> Callable[[object], object]:
    """A value of ``field`` as read from ``database`` (text, on SQLite) as Django's compiler would make it."""
    connection = connections[database]
    found, column = converters_of(field, connection)

    def convert(value: object) -> object:
        for each in found:
            value = each(value, column, connection)
        return value

    return convert


@cache
def select_sql(
    model: type[models.Model],
    joined: tuple[str, ...],
    where: str,
    ordering: tuple[str, ...],
    limit: int | None,
    omitted: tuple[str, ...],
) -> str:
    """A SELECT of ``model``'s rows (as ``row``) with the rows of their foreign keys ``joined``."""
    columns, joins = selected_with(model, joined, omitted)
    order = order_of(model, ordering, joined)
    limited = f" LIMIT {int(limit)}" if limit else ""
    condition = f" WHERE {where}" if where else ""
    return f"SELECT {columns} FROM {quote(model._meta.db_table)} row{joins}{condition} ORDER BY {order}{limited}"


def read_rows(
    model: type[models.Model],
    joined: tuple[str, ...],
    where: str,
    params: Sequence[object],
    ordering: Sequence[str] | None = None,
    limit: int | None = None,
    omitted: tuple[str, ...] = (),
) -> list[models.Model]:
    """The rows of ``model`` that ``where`` (SQL on ``row``) keeps, in ``ordering`` (the model's by default), as
    instances with their foreign keys ``joined`` read, as ``select_related(*joined)`` would, and the fields
    ``omitted`` left in the database, as ``defer(*omitted)`` would."""
    database = router.db_for_read(model)
    sql = select_sql(model, joined, where, tuple(ordering or model._meta.ordering), limit, omitted)
    with connections[database].cursor() as cursor:
        cursor.execute(sql, params)
        return read_instances(model, joined, database, cursor.fetchall(), omitted)


def marks(count: int) -> str:
    """The placeholders of an IN list of ``count`` values."""
    return ", ".join(["%s"] * count)


def prefetched(instance: models.Model, name: str, rows: list[models.Model]) -> None:
    """Hand rows to ``instance.<name>.all()`` as ``prefetch_related`` does, so that reading them needs no query."""
    queryset = instance._meta.get_field(name).related_model._default_manager.all()
    queryset._result_cache, queryset._prefetch_done = rows, True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def listed_partnerships(field: str, ids: Iterable[int]) -> list[Partnership]:
    """The partnerships of these provinces or partners (``field``), each with its province (and the unit it is
    merged into), partner and partner's country, in the model's order: ``Partnership.objects.with_related()``,
    filtered. Django took 2.7 ms to compile that five-table query for a province page, longer than PostgreSQL
    took to plan and run it."""
    ids = list(ids)
    if not ids:
        return []
    column = quote(Partnership._meta.get_field(field).column)
    return read_rows(Partnership, PARTNERSHIP_RELATED, f"row.{column} IN ({marks(len(ids))})", ids)


def published_event(alias: str) -> str:
    """``EventQuerySet.published``'s condition on the event table ``alias``; its values by ``published_params``."""
    return f"{alias}.status = %s AND ({alias}.published_at IS NULL OR {alias}.published_at <= %s)"


def published_params(model: type[models.Model]) -> list[object]:
    """The values of a "published, and due by now" condition, as the database the model is read from takes them."""
    operations = connections[router.db_for_read(model)].ops
    return [Status.PUBLISHED, operations.adapt_datetimefield_value(timezone.now())]


@cache
def event_list_where(when: str, place: str | None, places: int) -> str:
    """The conditions of ``EventQuerySet.published``, then of ``upcoming`` or ``past`` (by the event's last day,
    the expression its index has), then the place."""
    compare = ">=" if when == "upcoming" else "<"
    where = [published_event("row"), f"COALESCE(row.end_date, row.start_date) {compare} %s"]
    if place:
        where.append(f"row.{quote(Event._meta.get_field(place).column)} IN ({marks(places)})")
    return " AND ".join(where)


def listed_events(
    when: str, place: str | None = None, ids: Iterable[int] = (), limit: int | None = None
) -> list[Event]:
    """Published events to come (``"upcoming"``, soonest first) or gone (``"past"``, latest first), of the
    provinces or countries (``place``) with these ``ids``, each with the province, country and photo a list shows:
    ``Event.objects.published().upcoming()`` (or ``past()``) with ``select_related``. Compiling that query took
    more than running it (2.3 of 4.1 ms), and home, province and country pages list events twice each."""
    ids = list(ids)
    if place and not ids:
        return []
    today = connections[router.db_for_read(Event)].ops.adapt_datefield_value(timezone.localdate())
    params = [*published_params(Event), today, *ids]
    where = event_list_where(when, place, len(ids))
    return read_rows(Event, EVENT_RELATED, where, params, EVENT_ORDER[when], limit)


def province_with_units(slug: str) -> Province | None:
    """A province by slug with the unit it is merged into, and (``province.merged_units.all()``) the units merged
    into it by name: two queries written once, where the ORM compiled a join and a prefetch."""
    found = read_rows(Province, ("merged_into",), "row.slug = %s", [slug])
    if not found:
        return None
    province = found[0]
    prefetched(province, "merged_units", read_rows(Province, (), "row.merged_into_id = %s", [province.pk]))
    return province


# What a card shows of an article (``ArticleQuerySet.for_list``): all but the long texts, with its photo.
CARD_JOINED = ("cover_image",)


def published_article_where(alias: str) -> str:
    """``ArticleQuerySet.published``'s condition on the article table ``alias``; its values by
    ``published_params``."""
    return f"{alias}.status = %s AND {alias}.published_at <= %s"


@cache
def cards_where(tag: str | None, tags: int) -> str:
    """Articles whose ids are those of one window of the published list (of some tags), newest first: the ids are
    found on the publication index alone, then only the rows shown are read (as ``DeepPaginator`` does)."""
    tagged = ""
    if tag:
        m2m = Article._meta.get_field(tag)
        links = quote(m2m.remote_field.through._meta.db_table)
        tagged = (
            f" AND article.id IN (SELECT {quote(m2m.m2m_column_name())} FROM {links}"
            f" WHERE {quote(m2m.m2m_reverse_name())} IN ({marks(tags)}))"
        )
    return (
        f"row.id IN (SELECT article.id FROM {quote(Article._meta.db_table)} article"
        f" WHERE {published_article_where('article')}{tagged}"
        " ORDER BY article.published_at DESC, article.id DESC LIMIT %s OFFSET %s)"
    )


def published_cards(offset: int, limit: int, tag: str | None = None, ids: Iterable[int] = ()) -> list[Article]:
    """A window of the published articles (those carrying any of ``ids`` of the tag field ``tag``), newest first,
    as cards: ``Article.objects.published().for_list()`` (``.tagged(tag, ids)``) sliced. Compiling that query, with
    its subquery, took Django 1.9 ms on every list page."""
    ids = list(ids)
    if tag and not ids:
        return []
    params = [*published_params(Article), *ids, limit, offset]
    where = cards_where(tag, len(ids))
    return read_rows(Article, CARD_JOINED, where, params, omitted=CARD_DEFERRED)


class PublishedCards(Sequence[Article]):
    """The published list (of some tags) as a sequence of cards that Django's Paginator slices: each window is read
    by ``published_cards``. ``total`` is the list's length, known from the stored tallies."""

    def __init__(self, total: int, tag: str | None = None, ids: Iterable[int] = ()) -> None:
        self.total, self.tag, self.ids = total, tag, list(ids)

    def __len__(self) -> int:
        return self.total

    @overload
    def __getitem__(self, index: int) -> Article: ...

    @overload
    def __getitem__(self, index: slice) -> list[Article]: ...

    def __getitem__(self, index: int | slice) -> Article | list[Article]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self.total)
            window = published_cards(start, stop - start, self.tag, self.ids) if stop > start else []
            return window[::step]
        position = range(self.total)[index]  # IndexError past the end, as a list's
        return published_cards(position, 1, self.tag, self.ids)[0]

    def __iter__(self) -> Iterator[Article]:
        return iter(self[:])


def provinces_by_name() -> list[Province]:
    """Every province, current and merged, by name (the province index and the home page group them)."""
    return read_rows(Province, (), "", [])


@cache
def with_content_where(with_articles: int) -> str:
    """Countries among ``with_articles`` ids, or with a partner, or with a published event."""
    partners, events = quote(Partner._meta.db_table), quote(Event._meta.db_table)
    conditions = [
        f"EXISTS (SELECT 1 FROM {partners} partner WHERE partner.country_id = row.id)",
        f"EXISTS (SELECT 1 FROM {events} event WHERE event.country_id = row.id AND {published_event('event')})",
    ]
    if with_articles:
        conditions.insert(0, f"row.id IN ({marks(with_articles)})")
    return " OR ".join(conditions)


def countries_with_content(with_articles: Iterable[int]) -> list[Country]:
    """The countries with published articles (their ids, from the stored tallies), partners or published events,
    by name: one probe of the partner and event indexes per country, not every partner's and event's row."""
    ids = list(with_articles)
    return read_rows(Country, (), with_content_where(len(ids)), [*ids, *published_params(Event)])


def country_by_code(code: str) -> Country | None:
    """The country with this ISO code (upper case), if there is one."""
    found = read_rows(Country, (), "row.code = %s", [code])
    return found[0] if found else None


def partners_of(country: Country, limit: int) -> list[Partner]:
    """A country's first partners by name, each with its logo."""
    return read_rows(Partner, ("logo",), "row.country_id = %s", [country.pk], limit=limit)


def published_article(slug: str) -> Article | None:
    """The published article with this slug, with its cover photo: what the public may read at its address."""
    where = f"row.slug = %s AND {published_article_where('row')}"
    found = read_rows(Article, ("cover_image",), where, [slug, *published_params(Article)])
    return found[0] if found else None
