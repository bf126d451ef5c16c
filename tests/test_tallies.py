"""The stored article counts always equal a count over the articles themselves."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from newsroom import tallies
from newsroom.filters import province_counts, year_counts
from newsroom.models import Article, ArticleTally, FilteredTally, Status, TallyHorizon

from .factories import make_article, make_country, make_partner, make_province, make_topic

pytestmark = pytest.mark.django_db


def live_counts() -> dict[str, dict[int, int]]:
    """The same numbers counted over every article, as the pages did before the tallies."""
    articles = Article.objects.all()
    return {
        "unit": articles.count_by_current_unit(),
        "province": articles.count_by_tag("provinces"),
        "country": articles.count_by_tag("countries"),
        "partner": articles.count_by_tag("partners"),
        "topic": articles.count_by_tag("topics"),
        "year": year_counts(articles),
    }


def stored_counts() -> dict[str, dict[int, int]]:
    return tallies.public_tallies("unit", "province", "country", "partner", "topic", "year")


@pytest.fixture
def tags():
    unit = make_province("Hải Phòng")
    old = make_province("Hải Dương", merged_into=unit)
    return {
        "unit": unit,
        "old": old,
        "other": make_province("Đắk Lắk"),
        "korea": make_country("KR"),
        "japan": make_country("JP"),
        "partner": make_partner(),
        "topic": make_topic(),
    }


def test_new_articles_are_counted_per_tag_unit_and_year(tags):
    make_article(provinces=[tags["unit"], tags["old"]], countries=[tags["korea"]], topics=[tags["topic"]])
    make_article(provinces=[tags["old"]], partners=[tags["partner"]])
    counts = stored_counts()
    assert counts == live_counts()
    assert counts["unit"] == {tags["unit"].pk: 2}
    assert counts["province"] == {tags["unit"].pk: 1, tags["old"].pk: 2}


def test_tags_added_and_removed_from_either_side_are_recounted(tags):
    article = make_article(provinces=[tags["unit"]], countries=[tags["korea"]])
    article.countries.add(tags["japan"])
    article.provinces.remove(tags["unit"])
    tags["partner"].articles.add(article)
    tags["korea"].articles.remove(article)
    assert stored_counts() == live_counts()
    article.countries.clear()
    tags["topic"].articles.add(article, make_article())
    tags["topic"].articles.clear()
    assert stored_counts() == live_counts()
    assert stored_counts()["country"] == {}


def test_unpublishing_and_deleting_take_articles_out_of_the_counts(tags):
    kept = make_article(provinces=[tags["other"]], countries=[tags["korea"]])
    hidden = make_article(provinces=[tags["other"]], countries=[tags["korea"]])
    gone = make_article(provinces=[tags["other"]], countries=[tags["korea"]])
    hidden.status = Status.DRAFT
    hidden.save()
    gone.delete()
    assert stored_counts() == live_counts()
    assert stored_counts()["country"] == {tags["korea"].pk: 1}
    kept.delete()
    assert stored_counts()["country"] == {}


def test_a_changed_publication_year_moves_the_article_between_years():
    article = make_article(published_at=timezone.make_aware(datetime.datetime(2020, 6, 1)))
    article.published_at = timezone.make_aware(datetime.datetime(2023, 6, 1))
    article.save()
    assert stored_counts()["year"] == {2023: 1}


def test_a_scheduled_article_is_counted_from_its_time_on(tags):
    make_article(provinces=[tags["other"]], published_at=timezone.now() + datetime.timedelta(hours=1))
    assert stored_counts()["province"] == {}
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        assert stored_counts()["province"] == {tags["other"].pk: 1}
        assert stored_counts() == live_counts()


def test_reading_the_counts_is_one_query_while_nothing_falls_due(tags, django_assert_num_queries):
    make_article(provinces=[tags["other"]], published_at=timezone.now() + datetime.timedelta(hours=1))
    stored_counts()
    with django_assert_num_queries(1):
        assert stored_counts()["province"] == {}


def test_an_article_falling_due_is_counted_once_then_reads_are_one_query_again(tags, django_assert_num_queries):
    make_article(provinces=[tags["other"]], published_at=timezone.now() + datetime.timedelta(hours=1))
    stored_counts()
    later = timezone.now() + datetime.timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        assert stored_counts()["province"] == {tags["other"].pk: 1}
        assert TallyHorizon.objects.get().counted_until == later
        with django_assert_num_queries(1):
            counts = stored_counts()
        assert counts == live_counts()


def test_a_clock_behind_the_horizon_does_not_count_what_is_not_yet_due_for_it(tags):
    make_article(provinces=[tags["other"]], published_at=timezone.now() - datetime.timedelta(minutes=30))
    assert stored_counts()["province"] == {tags["other"].pk: 1}
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=1)):
        assert stored_counts()["province"] == {}
        assert stored_counts() == live_counts()


def test_tallies_without_a_horizon_are_counted_again_at_the_first_read(tags):
    """As after migrating a database whose tallies also counted scheduled articles."""
    make_article(provinces=[tags["other"]], countries=[tags["korea"]])
    ArticleTally.objects.filter(facet="country").update(total=7)
    TallyHorizon.objects.all().delete()
    assert stored_counts()["country"] == {tags["korea"].pk: 1}
    assert stored_counts() == live_counts()


def test_merging_a_province_moves_its_articles_to_the_new_unit(tags):
    make_article(provinces=[tags["other"]])
    tags["other"].merged_into = tags["unit"]
    tags["other"].is_current = False
    tags["other"].code = None
    tags["other"].save()
    assert stored_counts()["unit"] == {tags["unit"].pk: 1}
    assert province_counts(Article.objects.all()) == {tags["unit"].pk: 1, tags["other"].pk: 1}


def test_deleting_a_tag_removes_its_count(tags):
    make_article(countries=[tags["japan"]], provinces=[tags["old"]])
    tags["japan"].delete()
    tags["old"].delete()
    assert stored_counts() == live_counts()
    assert not ArticleTally.objects.filter(key__in=[tags["japan"].pk, tags["old"].pk], facet__in=["country"])


def test_seeded_articles_are_counted_after_the_bulk_write(tags):
    call_command("seed_demo", articles=30, stdout=io.StringIO())
    assert sum(stored_counts()["year"].values()) == Article.objects.published().count()
    assert stored_counts() == live_counts()


def article_scans(sql: str, params: list) -> list[str]:
    """How the database reaches the article table in this query: the plan's lines that name it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            lines = [row[0] for row in cursor.fetchall()]
            return [
                f"{line} {condition}"
                for line, condition in zip(lines, [*lines[1:], ""], strict=True)
                if "on newsroom_article " in line
            ]
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return [row[-1] for row in cursor.fetchall() if "newsroom_article " in f"{row[-1]} "]


def test_the_freshness_probe_reads_a_range_of_the_publication_index(tags):
    make_article(provinces=[tags["unit"]])
    stored_counts()
    scans = article_scans(*tallies.read_query(tallies.FACETS, timezone.now()))
    assert scans
    for scan in scans:
        # Either index on the publication time serves the range; which one the planner takes on a table of a
        # few rows varies between machines.
        assert "article_public_order" in scan or "article_newest" in scan
        assert "published_at >" in scan or "published_at>" in scan


class Counter:
    """A stand-in for a filtered list's facet counts that says how often it was asked."""

    def __init__(self, counts: dict[str, dict[int, int]], during=lambda: None) -> None:
        self.counts, self.during, self.calls = counts, during, 0

    def __call__(self) -> dict[str, dict[int, int]]:
        self.calls += 1
        self.during()
        return self.counts


def filtered(tags, counter: Counter) -> dict[str, dict[int, int]]:
    stored_counts()  # as the pages do: what has fallen due is counted in first
    return tallies.filtered_counts("country", tags["korea"].pk, counter)


def test_a_filtered_lists_counts_are_counted_once_then_read(tags):
    counter = Counter({"year": {2024: 3}, "province": {tags["unit"].pk: 2}})
    assert filtered(tags, counter) == {"year": {2024: 3}, "province": {tags["unit"].pk: 2}}
    assert filtered(tags, counter) == {"year": {2024: 3}, "province": {tags["unit"].pk: 2}}
    assert counter.calls == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda tags: make_article(countries=[tags["korea"]]),
        lambda tags: Article.objects.get(title="Bài có sẵn").countries.add(tags["japan"]),
        lambda tags: tags["topic"].articles.add(Article.objects.get(title="Bài có sẵn")),
        lambda tags: Article.objects.get(title="Bài có sẵn").provinces.clear(),
        lambda tags: Article.objects.get(title="Bài có sẵn").delete(),
        lambda tags: tags["partner"].delete(),
        lambda tags: tags["old"].save(),
    ],
    ids=[
        "new article",
        "tag added",
        "tag added from its side",
        "tags cleared",
        "article deleted",
        "tag deleted",
        "province saved",
    ],
)
def test_any_change_to_articles_or_their_tags_has_them_counted_again(tags, change):
    article = make_article("Bài có sẵn", provinces=[tags["old"]], countries=[tags["korea"]], partners=[tags["partner"]])
    counter = Counter({"year": {2024: 1}})
    filtered(tags, counter)
    change(tags)
    filtered(tags, counter)
    assert counter.calls == 2
    article.status = Status.DRAFT
    article.save()
    filtered(tags, counter)
    assert counter.calls == 3


def test_an_article_falling_due_has_them_counted_again(tags):
    make_article(countries=[tags["korea"]], published_at=timezone.now() + datetime.timedelta(hours=1))
    counter = Counter({"year": {}})
    filtered(tags, counter)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        filtered(tags, counter)
        filtered(tags, counter)
    assert counter.calls == 2


def test_counts_taken_while_an_edit_commits_are_never_read(tags):
    """The edit lands between the generation read and the counts stored: they are stored under the old one."""
    stale = Counter({"year": {}}, during=lambda: make_article(countries=[tags["korea"]]))
    filtered(tags, stale)
    fresh = Counter({"year": {2024: 1}})
    assert filtered(tags, fresh) == {"year": {2024: 1}}
    assert fresh.calls == 1


def test_a_full_recount_forgets_every_filtered_count(tags):
    filtered(tags, Counter({"year": {}}))
    tallies.recount()
    assert not FilteredTally.objects.exists()
