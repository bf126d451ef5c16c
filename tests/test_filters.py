"""The /articles/ filters, alone and combined, and what happens with values that make no sense."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsroom.models import Status

from .factories import make_article, make_country, make_partner, make_province, make_topic

pytestmark = pytest.mark.django_db

VN_TZ = datetime.timezone(datetime.timedelta(hours=7))


def titles(response) -> list[str]:
    return [article.title for article in response.context["articles"]]


@pytest.fixture
def tagged():
    korea = make_country("KR")
    japan = make_country("JP", name="Nhật Bản", name_en="Japan", name_ko="일본")
    hai_phong = make_province("Hải Phòng")
    hai_duong = make_province("Hải Dương", merged_into=hai_phong)
    quang_tri = make_province("Quảng Trị")
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
        "Quảng Trị tọa đàm với chuyên gia Hàn Quốc",
        provinces=[quang_tri],
        countries=[korea],
        published_at=datetime.datetime(2017, 11, 29, 18, 41, tzinfo=VN_TZ),
    )
    make_article(
        "Hải Phòng hợp tác với Nhật Bản",
        provinces=[hai_phong],
        countries=[japan],
        published_at=datetime.datetime(2025, 8, 13, 18, 47, tzinfo=VN_TZ),
    )


def test_province_filter_on_a_current_unit_includes_merged_units(client, tagged):
    assert titles(client.get("/articles/?province=hai-phong")) == [
        "Hải Phòng hợp tác với Nhật Bản",
        "Hải Dương đón đoàn Suwon",
    ]


def test_province_filter_on_a_merged_unit_shows_only_its_own_news(client, tagged):
    assert titles(client.get("/articles/?province=hai-duong")) == ["Hải Dương đón đoàn Suwon"]


@pytest.mark.parametrize("code", ["kr", "KR"])
def test_country_filter_accepts_the_iso_code_in_either_case(client, tagged, code):
    assert titles(client.get(f"/articles/?country={code}")) == [
        "Hải Dương đón đoàn Suwon",
        "Quảng Trị tọa đàm với chuyên gia Hàn Quốc",
    ]


def test_country_filter_options_use_lower_case_codes(client, tagged):
    assert 'value="kr"' in client.get("/articles/").content.decode()


def test_partner_filter(client, tagged):
    assert titles(client.get("/articles/?partner=suwon")) == ["Hải Dương đón đoàn Suwon"]


def test_topic_filter(client, tagged):
    assert titles(client.get("/articles/?topic=giao-luu-nhan-dan")) == ["Hải Dương đón đoàn Suwon"]


def test_year_filter_uses_the_local_publication_year(client, tagged):
    assert titles(client.get("/articles/?year=2017")) == ["Quảng Trị tọa đàm với chuyên gia Hàn Quốc"]


def test_date_range_filter(client, tagged):
    response = client.get("/articles/?date_after=2023-01-01&date_before=2023-12-31")
    assert titles(response) == ["Hải Dương đón đoàn Suwon"]


def test_date_filters_count_whole_local_days(client):
    make_article("Tin đêm khuya", published_at=datetime.datetime(2023, 5, 1, 23, 30, tzinfo=VN_TZ))
    assert titles(client.get("/articles/?date_after=2023-05-01&date_before=2023-05-01")) == ["Tin đêm khuya"]
    assert titles(client.get("/articles/?date_after=2023-05-02")) == []
    assert titles(client.get("/articles/?date_before=2023-04-30")) == []


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("date_after=0001-01-01", True),
        ("date_before=9999-12-31", True),
        ("date_after=9999-12-31", False),
        ("date_before=0001-01-01", False),
    ],
)
def test_extreme_dates_answer_without_error(client, tagged, query, found):
    response = client.get(f"/articles/?{query}")
    assert response.status_code == 200
    assert bool(titles(response)) is found


def test_text_filter_matches_title_lead_and_body(client, tagged):
    make_article("Bài khác", body="Có nhắc tới tình nguyện viên KOICA.")
    assert titles(client.get("/articles/?q=KOICA")) == ["Bài khác"]


def test_filters_combine(client, tagged):
    response = client.get("/articles/?country=kr&province=quang-tri&year=2017")
    assert titles(response) == ["Quảng Trị tọa đàm với chuyên gia Hàn Quốc"]


def test_filters_combined_with_no_match_say_so(client, tagged):
    response = client.get("/articles/?country=jp&province=quang-tri")
    assert response.status_code == 200
    assert titles(response) == []
    assert "Không có bài viết nào khớp với bộ lọc." in response.content.decode()


def test_article_tagged_twice_in_a_unit_is_listed_once(client):
    hai_phong = make_province("Hải Phòng")
    hai_duong = make_province("Hải Dương", merged_into=hai_phong)
    make_article("Tin chung", provinces=[hai_phong, hai_duong])
    assert titles(client.get("/articles/?province=hai-phong")) == ["Tin chung"]


def test_pagination_links_keep_the_filters(client, tagged, settings):
    settings.NEWSROOM_PAGE_SIZE = 1
    page = client.get("/articles/?country=kr").content.decode()
    assert "?country=kr&amp;page=2" in page


@pytest.mark.parametrize(
    "query",
    [
        "province=khong-ton-tai",
        "country=zz",
        "country=korea",
        "partner=%3Cscript%3E",
        "topic=x",
        "year=abc",
        "year=99999",
        "date_after=2023-13-45",
        "date_before=yesterday",
    ],
)
def test_bad_filter_value_is_a_400_with_a_message_and_no_results(client, tagged, query):
    response = client.get(f"/articles/?{query}")
    assert response.status_code == 400
    assert "Bộ lọc có giá trị không hợp lệ" in response.content.decode()
    assert titles(response) == []


@pytest.mark.parametrize("page", ["0", "-1", "99", "abc", "1.5", "%3Cb%3E"])
def test_bad_page_number_is_not_found(client, tagged, page):
    assert client.get(f"/articles/?page={page}").status_code == 404


def test_last_page_keyword_is_accepted(client, tagged):
    assert client.get("/articles/?page=last").status_code == 200


def test_hostile_values_are_never_reflected_unescaped(client, tagged):
    payload = '"><script>alert(1)</script>'
    for parameter in ["q", "province", "country", "year", "date_after"]:
        page = client.get("/articles/", {parameter: payload}).content.decode()
        assert "<script>alert(1)</script>" not in page


def test_overlong_text_query_is_refused_calmly(client, tagged):
    response = client.get("/articles/", {"q": "a" * 500})
    assert response.status_code == 400
    assert titles(response) == []


def test_future_scheduled_article_is_not_in_filtered_lists(client):
    korea = make_country("KR")
    make_article("Bài hẹn giờ", countries=[korea], published_at=timezone.now() + datetime.timedelta(days=1))
    assert titles(client.get("/articles/?country=kr")) == []


def test_a_filtered_list_counts_only_its_published_articles(client, tagged):
    korea = make_country("KR")
    make_article("Bản nháp", countries=[korea], status=Status.DRAFT)
    make_article("Bài hẹn giờ", countries=[korea], published_at=timezone.now() + datetime.timedelta(days=1))
    response = client.get("/articles/?country=kr")
    assert response.context["paginator"].count == 2
    assert "2 bài viết" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "count"), [("country=kr&date_after=2017-01-01", 2), ("country=kr&year=2023", 1), ("year=2017", 1)]
)
def test_a_filtered_list_takes_its_length_from_the_year_counts_not_a_count_query(client, tagged, query, count):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/articles/?{query}")
    assert response.context["paginator"].count == count
    assert not [query for query in queries if 'COUNT(*) AS "__count"' in query["sql"]]


def test_a_list_filtered_by_year_counts_the_articles_of_that_year(client, tagged):
    make_article("Bài năm 2023", published_at=datetime.datetime(2023, 5, 1, tzinfo=VN_TZ))
    response = client.get("/articles/?year=2023")
    assert response.context["paginator"].count == 2
    assert "2 bài viết" in response.content.decode()
    assert client.get("/articles/?year=2023.5").context["paginator"].count == 2
