"""Stored article counts per tag, province unit and year, so that no page counts every article to show them.

``ArticleTally`` holds, per facet and key (all articles: the sum of the years), how many articles are public:
published, at a time no later than ``TallyHorizon.counted_until``. The signals below recount exactly the keys a
change touches (an article's tags, its year, a province's unit). An article scheduled for later becomes public
with no change to any row: the reader that first finds one due since the horizon recounts its keys and moves
the horizon (``catch_up``), so readers otherwise read the stored rows alone, in one query. Bulk writes send no
signals: whatever writes in bulk (``seed_demo``) calls ``recount()`` afterwards.

A list filtered by one facet counts the other facets over the articles it keeps, which at 100,000 articles takes
up to 200 ms (Korea tags a third of them). ``FilteredTally`` stores those counts per filter; every change above
also moves ``TallyHorizon.generation`` on, and a stored row holds only under the generation it was counted in.
"""

import datetime
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, QuerySet, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.utils import timezone

from . import reads
from .models import Article, ArticleTally, Country, FilteredTally, Partner, Province, Status, TallyHorizon, Topic

# The tag facets: the article field each counts.
TAG_FIELDS = {"province": "provinces", "country": "countries", "partner": "partners", "topic": "topics"}
FACETS = ("year", "unit", *TAG_FIELDS)


def through(facet: str) -> Any:
    return Article._meta.get_field(TAG_FIELDS.get(facet, "provinces")).remote_field.through


def grouped(facet: str, articles: QuerySet, keys: Iterable[int] | None = None) -> QuerySet:
    """``(facet, key, total)`` rows counting ``articles`` per key of one facet, optionally only for ``keys``."""
    label = Value(facet)
    if facet == "year":
        # Years as the site's readers count them: in its own time zone, whatever the request's.
        key = ExtractYear("published_at", tzinfo=timezone.get_default_timezone())
        rows = articles.order_by().annotate(tally_facet=label, tally_key=key).values("tally_facet", "tally_key")
        rows = rows.annotate(tally_total=Count("pk"))
    else:
        links = through(facet).objects.filter(article_id__in=articles.values("pk"))
        if facet == "unit":
            key = Coalesce("province__merged_into_id", "province_id")
            total = Count("article_id", distinct=True)
        else:
            key = F(f"{Article._meta.get_field(TAG_FIELDS[facet]).m2m_reverse_field_name()}_id")
            total = Count("article_id")
        rows = links.annotate(tally_facet=label, tally_key=key).values("tally_facet", "tally_key")
        rows = rows.annotate(tally_total=total)
    if keys is not None:
        rows = rows.filter(tally_key__in=list(keys))
    return rows.order_by().values_list("tally_facet", "tally_key", "tally_total")


# Off while a bulk job writes (see ``suspended``): recounting per row would cost more than the job.
ACTIVE: ContextVar[bool] = ContextVar("tallies_active", default=True)


@contextmanager
def suspended() -> Iterator[None]:
    """No recounting per row inside; one full recount on the way out."""
    token = ACTIVE.set(False)
    try:
        yield
    finally:
        ACTIVE.reset(token)
    recount()


def public_tallies(*facets: str) -> dict[str, dict[int, int]]:
    """Per facet, the public articles per key, in one query while no scheduled article has fallen due."""
    now = timezone.now()
    counts = read(facets, now)
    if counts is None:
        catch_up(now)
        counts = read(facets, now)
    if counts is None:
        raise RuntimeError("the article tallies are still stale after catching up")
    return counts


def in_doubt(earlier: Any, later: Any) -> QuerySet:
    """Published articles whose time lies after the earlier and by the later of the horizon and now: due but not
    counted, or (for a clock behind the one that counted) counted but not yet due.

    One range, so that PostgreSQL reads it off the (status, published_at) index."""
    return Article.objects.filter(status=Status.PUBLISHED, published_at__gt=earlier, published_at__lte=later)


def read(facets: tuple[str, ...], now: datetime.datetime) -> dict[str, dict[int, int]] | None:
    """The stored rows, or None when they do not describe ``now`` (or were never counted)."""
    result: dict[str, dict[int, int]] = {facet: {} for facet in facets}
    with connection.cursor() as cursor:
        cursor.execute(*read_query(facets, now))
        for facet, key, total in cursor.fetchall():
            if facet == "stale":
                return None
            if total > 0:
                result[facet][int(key)] = total
    return result


def read_query(facets: tuple[str, ...], now: datetime.datetime) -> tuple[str, list[Any]]:
    """One query: the rows, and a marker row when the horizon is missing or an article is in doubt.

    Written as SQL: composed by the ORM it cost 2 ms to compile on every page, five times what it takes to run.
    The horizon is read by uncorrelated subqueries: correlated, PostgreSQL scanned every article to look for one
    in doubt. LEAST and GREATEST are MIN and MAX with several arguments on SQLite."""
    least, greatest = ("LEAST", "GREATEST") if connection.vendor == "postgresql" else ("MIN", "MAX")
    tallies, horizons, articles = (model._meta.db_table for model in (ArticleTally, TallyHorizon, Article))
    counted_until = f"(SELECT counted_until FROM {horizons} WHERE id = 1)"
    sql = (
        f"SELECT facet, key, total FROM {tallies} WHERE facet IN ({', '.join(['%s'] * len(facets))})"
        f" UNION ALL SELECT 'stale', 0, 0 WHERE NOT EXISTS (SELECT 1 FROM {horizons} WHERE id = 1)"
        f" OR EXISTS (SELECT 1 FROM {articles} WHERE status = %s"
        f" AND published_at > {least}({counted_until}, %s) AND published_at <= {greatest}({counted_until}, %s))"
    )
    moment = connection.ops.adapt_datetimefield_value(now)
    return sql, [*facets, Status.PUBLISHED, moment, moment]


def filtered_counts(facet: str, key: int, count: Callable[[], dict[str, dict[int, int]]]) -> dict[str, dict[int, int]]:
    """The other facets' counts of the list filtered by ``facet`` = ``key``: stored, or counted by ``count`` and
    stored for the next reader. Call it after ``public_tallies``, which first counts in what has fallen due.

    The generation is read before counting: counts taken while an edit commits are stored under the generation
    that edit ended, and never read."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT horizon.generation, stored.counts FROM {TallyHorizon._meta.db_table} horizon"
            f" LEFT JOIN {FilteredTally._meta.db_table} stored ON stored.facet = %s AND stored.key = %s"
            " AND stored.generation = horizon.generation WHERE horizon.id = 1",
            [facet, key],
        )
        found = cursor.fetchone()
    if found is None:
        return count()  # never counted: nothing to store under
    generation, stored = found
    if stored is not None:
        rows = reads.converter(FilteredTally._meta.get_field("counts"), connection.alias)(stored)
        return {name: {int(each): total for each, total in totals.items()} for name, totals in rows.items()}
    counts = count()
    FilteredTally.objects.bulk_create(
        [FilteredTally(facet=facet, key=key, generation=generation, counts=counts)],
        update_conflicts=True,
        unique_fields=["facet", "key"],
        update_fields=["generation", "counts"],
    )
    return counts


def new_generation() -> None:
    """Articles, their tags or the provinces' merges changed: no stored count of a filtered list holds."""
    TallyHorizon.objects.filter(pk=1).update(generation=F("generation") + 1)


def catch_up(now: datetime.datetime) -> None:
    """Recount the keys of the articles in doubt, then move the horizon to ``now``.

    Readers that find it stale at once wait for each other on its row; the later ones find nothing left to do.
    Without a horizon (never counted, or counted before horizons existed) everything is counted again."""
    with transaction.atomic():
        horizon = TallyHorizon.objects.select_for_update().filter(pk=1).first()
        if horizon is None:
            recount(until=now)
            return
        bounds = sorted([horizon.counted_until, now])
        ids = list(in_doubt(*bounds).values_list("pk", flat=True))
        if ids:
            store_tags(tags_of(ids))
            store("year")
            horizon.generation += 1
        horizon.counted_until = now
        horizon.save(update_fields=["counted_until", "generation"])


def store(facet: str, keys: Iterable[int] | None = None) -> None:
    """Recount one facet, for ``keys`` only or (None) entirely, and write its rows.

    Written as an upsert: two editors saving at once both insert the same key, and the second must update it,
    not fail on the unique constraint."""
    keys = None if keys is None else {key for key in keys if key is not None}
    if keys == set():
        return
    counts = {key: total for _, key, total in grouped(facet, Article.objects.published(), keys)}
    rows = [ArticleTally(facet=facet, key=key, total=total) for key, total in counts.items()]
    old = ArticleTally.objects.filter(facet=facet)
    with transaction.atomic():
        (old if keys is None else old.filter(key__in=keys)).exclude(key__in=list(counts)).delete()
        ArticleTally.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["facet", "key"], update_fields=["total"]
        )


def recount(until: datetime.datetime | None = None) -> None:
    """Every tally from scratch (after bulk writes, which send no signals). The horizon is set to ``until`` or
    the start: the counts hold every article due by then, and perhaps a few due since, which is harmless."""
    with transaction.atomic():
        horizon = until or timezone.now()
        for facet in FACETS:
            store(facet)
        FilteredTally.objects.all().delete()
        TallyHorizon.objects.update_or_create(pk=1, defaults={"counted_until": horizon})
        new_generation()


def units_of(province_ids: Iterable[int]) -> set[int]:
    return {
        unit or pk
        for pk, unit in Province.objects.filter(pk__in=list(province_ids)).values_list("pk", "merged_into_id")
    }


def tags_of(article_ids: Iterable[int]) -> dict[str, set[int]]:
    """The keys of every tag facet that these articles carry."""
    ids = list(article_ids)
    found = {}
    for facet in TAG_FIELDS:
        column = f"{Article._meta.get_field(TAG_FIELDS[facet]).m2m_reverse_field_name()}_id"
        found[facet] = set(through(facet).objects.filter(article_id__in=ids).values_list(column, flat=True))
    return found


def store_tags(tags: dict[str, set[int]]) -> None:
    for facet, keys in tags.items():
        store(facet, keys)
    store("unit", units_of(tags.get("province", ())))


def article_saved(sender: type[Article], instance: Article, **kwargs: Any) -> None:
    """Its status or time may have changed: its tags and the years are recounted."""
    if not ACTIVE.get():
        return
    store_tags(tags_of([instance.pk]))
    store("year")
    new_generation()


def article_deleting(sender: type[Article], instance: Article, **kwargs: Any) -> None:
    if not ACTIVE.get():
        return
    # The tag rows go with the article, before post_delete: note them now.
    instance._tally_tags = tags_of([instance.pk])


def article_deleted(sender: type[Article], instance: Article, **kwargs: Any) -> None:
    if not ACTIVE.get():
        return
    store_tags(getattr(instance, "_tally_tags", {}))
    store("year")
    new_generation()


def tags_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """Tags added to or removed from articles (from either side): the touched keys are recounted."""
    if not ACTIVE.get():
        return
    facet = next(name for name in TAG_FIELDS if through(name) is sender)
    if action == "pre_clear":
        instance._tally_cleared = {instance.pk} if reverse else tags_of([instance.pk])[facet]
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action == "post_clear":
        keys = getattr(instance, "_tally_cleared", set())
    else:
        keys = {instance.pk} if reverse else set(pk_set or ())
    store_tags({facet: keys})
    new_generation()


def tag_deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    """Its tag rows went with it (no m2m signal): its own tally goes too; a province's unit is recounted."""
    if not ACTIVE.get():
        return
    facet = {Province: "province", Country: "country", Partner: "partner", Topic: "topic"}[sender]
    ArticleTally.objects.filter(facet=facet, key=instance.pk).delete()
    if sender is Province:
        store("unit")
    new_generation()


def province_saved(sender: type[Province], instance: Province, raw: bool, **kwargs: Any) -> None:
    """A province merged into another (or no longer) moves its articles between units."""
    if not ACTIVE.get():
        return
    if not raw:
        store("unit")
        new_generation()


post_save.connect(article_saved, sender=Article, dispatch_uid="tally-article-save")
pre_delete.connect(article_deleting, sender=Article, dispatch_uid="tally-article-deleting")
post_delete.connect(article_deleted, sender=Article, dispatch_uid="tally-article-delete")
post_save.connect(province_saved, sender=Province, dispatch_uid="tally-province-save")
for tag_model in (Province, Country, Partner, Topic):
    post_delete.connect(tag_deleted, sender=tag_model, dispatch_uid=f"tally-delete-{tag_model.__name__}")
for tag_facet in TAG_FIELDS:
    m2m_changed.connect(tags_changed, sender=through(tag_facet), dispatch_uid=f"tally-m2m-{tag_facet}")
