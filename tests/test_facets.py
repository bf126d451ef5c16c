"""The /articles/ filter form says how many articles each choice would give alongside the other filters."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsroom.filters import CHOICE_SQL, FACET_LIMITS, ArticleFilter, choice_rows
from newsroom.forms import SearchForm
from newsroom.models import Article, Country, FilteredTally, Province, Status

from .factories import make_article, make_country, make_partner, make_province, make_topic

pytestmark = pytest.mark.django_db

VN_TZ = datetime.timezone(datetime.timedelta(hours=7))


def options(response, field: str) -> list[str]:
    """The visible text of a select's options, as a reader sees them."""
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', response.content.decode(), re.S).group(1)
    return [text.strip() for text in re.findall(r"<option[^>]*>(.*?)</option>", select, re.S)]


def selected(response, field: str) -> list[str]:
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', response.content.decode(), re.S).group(1)
    return [text.strip() for text in re.findall(r"<option[^>]*selected[^>]*>(.*?)</option>", select, re.S)]


@pytest.fixture
def tagged():
    korea = make_country("KR")
    japan = make_country("JP", name="Nhật Bản", name_en="Japan", name_ko="일본")
    hai_phong = make_province("Hải Phòng")
    hai_duong = make_province("Hải Dương", merged_into=hai_phong)
    make_province("Quảng Trị")
    suwon = make_partner("Suwon", country=korea)
    topic = make_topic("Giao lưu nhân dân")
    make_article(
        "Hải Dương đón đoàn Suwon",
        provinces=[hai_duong],
        countries=[korea],
        partners=[suwon],
        topics=[topic],
        published_at=datetime.datetime(2023, 2, 8, 9, 58, tzinfo=VN_TZ),
    )
    make_article(
        "Hải Phòng và Hải Dương cùng đón đoàn Suwon",
        provinces=[hai_phong, hai_duong],
        countries=[korea],
        partners=[suwon],
        published_at=datetime.datetime(2025, 8, 13, 18, 47, tzinfo=VN_TZ),
    )
    make_article(
        "Hải Phòng hợp tác với Nhật Bản",
        provinces=[hai_phong],
        countries=[japan],
        published_at=datetime.datetime(2025, 9, 1, 8, 0, tzinfo=VN_TZ),
    )


def test_each_choice_shows_its_article_count(client, tagged):
    response = client.get("/articles/")
    assert options(response, "province") == ["Tất cả", "Hải Dương (2)", "Hải Phòng (3)", "Quảng Trị (0)"]
    assert options(response, "country") == ["Tất cả", "Hàn Quốc (2)", "Nhật Bản (1)"]
    assert options(response, "partner") == ["Tất cả", "Suwon (2)"]
    assert options(response, "topic") == ["Tất cả", "Giao lưu nhân dân (1)"]
    assert options(response, "year") == ["Tất cả", "2025 (2)", "2023 (1)"]


def test_a_current_unit_counts_an_article_tagged_with_it_and_a_merged_unit_once(client, tagged):
    assert "Hải Phòng (3)" in options(client.get("/articles/"), "province")


def test_counts_follow_the_other_filters(client, tagged):
    response = client.get("/articles/?country=kr")
    assert options(response, "province") == ["Tất cả", "Hải Dương (2)", "Hải Phòng (2)", "Quảng Trị (0)"]
    assert options(response, "year") == ["Tất cả", "2025 (1)", "2023 (1)"]


def test_filtered_counts_leave_out_drafts_and_scheduled_articles(client, tagged):
    korea = Country.objects.get(code="KR")
    hai_phong = Province.objects.get(name="Hải Phòng")
    make_article("Bản nháp", provinces=[hai_phong], countries=[korea], status=Status.DRAFT)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    make_article("Hẹn giờ", provinces=[hai_phong], countries=[korea], published_at=tomorrow)
    response = client.get("/articles/?province=hai-phong")
    assert options(response, "country") == ["Tất cả", "Hàn Quốc (2)", "Nhật Bản (1)"]
    assert options(response, "year") == ["Tất cả", "2025 (2)", "2023 (1)"]
    assert options(client.get("/articles/?country=kr"), "province") == [
        "Tất cả",
        "Hải Dương (2)",
        "Hải Phòng (2)",
        "Quảng Trị (0)",
    ]


def test_a_facet_ignores_its_own_filter_so_other_choices_stay_visible(client, tagged):
    response = client.get("/articles/?country=kr")
    assert options(response, "country") == ["Tất cả", "Hàn Quốc (2)", "Nhật Bản (1)"]
    assert selected(response, "country") == ["Hàn Quốc (2)"]


def test_filters_combine(client, tagged):
    response = client.get("/articles/?province=hai-phong&year=2025")
    assert [a.title for a in response.context["articles"]] == [
        "Hải Phòng hợp tác với Nhật Bản",
        "Hải Phòng và Hải Dương cùng đón đoàn Suwon",
    ]
    assert options(response, "country") == ["Tất cả", "Hàn Quốc (1)", "Nhật Bản (1)"]
    assert options(response, "year") == ["Tất cả", "2025 (2)", "2023 (1)"]
    assert options(response, "partner") == ["Tất cả", "Suwon (1)"]


def test_a_chosen_year_without_articles_stays_chosen(client, tagged):
    response = client.get("/articles/?year=2019")
    assert selected(response, "year") == ["2019 (0)"]
    assert list(response.context["articles"]) == []


def test_the_filtered_list_is_a_shareable_get_url(client, tagged):
    content = client.get("/articles/?province=hai-duong&topic=giao-luu-nhan-dan").content.decode()
    assert '<form class="filters" method="get" action="/articles/"' in content
    assert '<option value="hai-duong" selected>Hải Dương (1)</option>' in content


def test_invalid_filters_show_the_choices_without_counts(client, tagged):
    response = client.get("/articles/?country=zz")
    assert response.status_code == 400
    assert options(response, "province") == ["Tất cả", "Hải Dương", "Hải Phòng", "Quảng Trị"]


def test_the_keyword_filter_ignores_diacritics_and_knows_place_names(client, tagged):
    response = client.get("/articles/?q=hai+phong")
    # Hải Dương is part of Hải Phòng now: its news is Hải Phòng's news, as on the province's page.
    assert [a.title for a in response.context["articles"]] == [
        "Hải Phòng hợp tác với Nhật Bản",
        "Hải Phòng và Hải Dương cùng đón đoàn Suwon",
        "Hải Dương đón đoàn Suwon",
    ]
    assert options(response, "country") == ["Tất cả", "Hàn Quốc (2)", "Nhật Bản (1)"]


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", ["/articles/", "/articles/?country=kr&province=hai-phong&year=2025&q=doan"])
def test_facet_counts_cost_the_same_queries_for_any_number_of_articles(client, tagged, path):
    small = count_queries(client, path)
    korea = make_country("KR")
    for number in range(30):
        province = make_province()
        topic = make_topic()
        partner = make_partner(country=korea)
        make_article(f"Đoàn {number}", provinces=[province], countries=[korea], partners=[partner], topics=[topic])
    assert count_queries(client, path) == small


@pytest.fixture
def many_partners(monkeypatch):
    """Four partners with 1, 3, 2 and 0 public articles (Suwon's only story is a draft), where the partner facet
    offers at most two."""
    monkeypatch.setitem(FACET_LIMITS, "partner", 2)
    korea = make_country("KR")
    partners = [make_partner(name, country=korea) for name in ("Busan", "Daegu", "Incheon", "Suwon")]
    for partner, articles in zip(partners, (1, 3, 2, 0), strict=True):
        for _ in range(articles):
            make_article(partners=[partner])
    make_article(partners=[partners[-1]], status=Status.DRAFT)
    return partners


def test_a_long_facet_offers_the_choices_with_the_most_articles(client, many_partners):
    assert options(client.get("/articles/"), "partner") == ["Tất cả", "Daegu (3)", "Incheon (2)"]


def test_a_long_facet_keeps_the_chosen_choice_among_those_offered(client, many_partners):
    response = client.get("/articles/?partner=suwon")
    assert options(response, "partner") == ["Tất cả", "Daegu (3)", "Incheon (2)", "Suwon (0)"]
    assert selected(response, "partner") == ["Suwon (0)"]
    assert list(response.context["articles"]) == []


def test_a_facet_within_its_limit_offers_every_choice(client, many_partners, monkeypatch):
    monkeypatch.setitem(FACET_LIMITS, "partner", 4)
    assert options(client.get("/articles/"), "partner") == [
        "Tất cả",
        "Busan (1)",
        "Daegu (3)",
        "Incheon (2)",
        "Suwon (0)",
    ]


def test_facet_choices_are_the_rows_of_their_querysets(tagged):
    form = ArticleFilter(None, queryset=Article.objects.all()).form
    search_form = SearchForm({})
    for key, field in [
        *((f"articles-{name}", form.fields[name]) for name in ("province", "country", "partner", "topic")),
        *((f"search-{name}", search_form.fields[name]) for name in ("province", "country")),
    ]:
        fields = ("pk", field.to_field_name, "name")
        assert choice_rows(key, field.queryset, fields) == list(field.queryset.values(*fields))


def test_facet_choices_are_compiled_once_then_only_run(client, tagged):
    CHOICE_SQL.clear()
    client.get("/articles/")
    [topics] = [key for key in CHOICE_SQL if key[0] == "articles-topic"]
    assert "newsroom_topic" in CHOICE_SQL[topics][0]
    # What runs on the next request is the stored SQL, not a new compilation of the queryset.
    CHOICE_SQL[topics] = ("SELECT 999 AS pk, 'gia' AS slug, 'Chủ đề giả' AS name", ())
    try:
        assert "Chủ đề giả (0)" in options(client.get("/articles/"), "topic")
    finally:
        CHOICE_SQL.clear()


def test_a_list_filtered_by_one_facet_reads_its_stored_counts_the_second_time(client, tagged):
    first = count_queries(client, "/articles/?country=kr")
    assert FilteredTally.objects.filter(facet="country").count() == 1
    assert count_queries(client, "/articles/?country=kr") < first
    assert options(client.get("/articles/?country=kr"), "province") == [
        "Tất cả",
        "Hải Dương (2)",
        "Hải Phòng (2)",
        "Quảng Trị (0)",
    ]


def test_a_list_filtered_by_one_facet_counts_a_new_article_at_once(client, tagged):
    client.get("/articles/?country=kr")
    quang_tri = Province.objects.get(name="Quảng Trị")
    article = make_article(
        "Quảng Trị đón đoàn Hàn Quốc", provinces=[quang_tri], countries=[Country.objects.get(code="KR")]
    )
    assert "Quảng Trị (1)" in options(client.get("/articles/?country=kr"), "province")
    article.provinces.remove(quang_tri)
    assert "Quảng Trị (0)" in options(client.get("/articles/?country=kr"), "province")


@pytest.mark.parametrize(
    "path",
    [
        "/articles/?country=kr",
        "/articles/?province=hai-phong",
        "/articles/?province=hai-duong",
        "/articles/?partner=suwon",
        "/articles/?topic=giao-luu-nhan-dan",
        "/articles/?year=2025",
    ],
)
def test_stored_counts_of_a_filtered_list_are_those_counted_afresh(client, tagged, path):
    korea, japan = Country.objects.get(code="KR"), Country.objects.get(code="JP")
    hai_phong = Province.objects.get(name="Hải Phòng")
    client.get(path)
    make_article("Bài mới", provinces=[hai_phong], countries=[korea, japan])
    Article.objects.get(title="Hải Dương đón đoàn Suwon").countries.add(japan)
    stored = client.get(path)
    assert FilteredTally.objects.exists()
    FilteredTally.objects.all().delete()
    afresh = client.get(path)
    for field in ("province", "country", "partner", "topic", "year"):
        assert options(stored, field) == options(afresh, field)
