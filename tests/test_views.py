"""Every public page in the contract, read through the test client as a reader would."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from newsroom.models import Article, Event, Status
from newsroom.reads import event_list_where
from newsroom.views import PARTNERS_SHOWN

from .factories import (
    make_article,
    make_country,
    make_event,
    make_image,
    make_partner,
    make_partnership,
    make_province,
    make_topic,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def korea():
    return make_country("KR")


@pytest.fixture
def hai_phong():
    return make_province("Hải Phòng")


@pytest.fixture
def hai_duong(hai_phong):
    return make_province("Hải Dương", merged_into=hai_phong)


@pytest.fixture
def suwon(korea):
    return make_partner("Suwon", country=korea, name_en="Suwon", name_ko="수원시")


def test_home_lists_latest_articles_upcoming_events_and_navigation(client, korea, hai_phong):
    make_article("Tin hợp tác mới nhất", provinces=[hai_phong], countries=[korea])
    make_event("Lễ hội sắp tới", start_date=timezone.localdate() + datetime.timedelta(days=10))
    page = client.get("/").content.decode()
    assert "Tin hợp tác mới nhất" in page
    assert "Lễ hội sắp tới" in page
    assert 'href="/provinces/hai-phong/"' in page
    assert 'href="/countries/kr/"' in page


def test_home_hides_drafts_and_scheduled_articles(client):
    make_article("Bản nháp chưa duyệt", status=Status.DRAFT)
    make_article("Bài hẹn giờ", published_at=timezone.now() + datetime.timedelta(days=1))
    page = client.get("/").content.decode()
    assert "Bản nháp chưa duyệt" not in page
    assert "Bài hẹn giờ" not in page


def test_pages_declare_vietnamese_and_have_one_h1_and_landmarks(client):
    page = client.get("/").content.decode()
    assert '<html lang="vi">' in page
    assert page.count("<h1") == 1
    assert "<main" in page and "<header" in page and "<footer" in page and "<nav" in page


def test_article_list_shows_published_articles_newest_first(client):
    make_article("Bài cũ", published_at=timezone.now() - datetime.timedelta(days=3))
    make_article("Bài mới", published_at=timezone.now() - datetime.timedelta(hours=2))
    page = client.get("/articles/").content.decode()
    assert page.index("Bài mới") < page.index("Bài cũ")
    assert "2 bài viết" in page


def test_article_list_paginates(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 2
    for number in range(5):
        make_article(f"Bài số {number}")
    response = client.get("/articles/?page=3")
    assert response.status_code == 200
    assert "Trang 3 / 3" in response.content.decode()


def test_article_detail_shows_source_facts_images_and_links(client, korea, hai_duong, suwon):
    event = make_event("Tiếp đoàn Suwon", province=hai_duong)
    topic = make_topic("Hợp tác địa phương")
    cover = make_image(caption="Lãnh đạo tỉnh tiếp đoàn", credit="Ảnh: CTTĐT tỉnh Hải Dương")
    article = make_article(
        "Hải Dương tiếp đoàn Suwon",
        provinces=[hai_duong],
        countries=[korea],
        partners=[suwon],
        events=[event],
        topics=[topic],
        byline="Hạnh Trần (t/h)",
        attribution="theo TTXVN",
        source_name="Báo Thử",
        original_published_at=datetime.datetime(
            2023, 2, 8, 9, 58, tzinfo=datetime.timezone(datetime.timedelta(hours=7))
        ),
        cover_image=cover,
        body="Đoạn một của bài.\n\nĐoạn hai của bài.",
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<h1>Hải Dương tiếp đoàn Suwon</h1>" in page
    assert "Hạnh Trần (t/h)" in page and "theo TTXVN" in page and "Báo Thử" in page
    assert "09:58 08/02/2023" in page
    assert "<p>Đoạn một của bài.</p>" in page and "<p>Đoạn hai của bài.</p>" in page
    assert "Lãnh đạo tỉnh tiếp đoàn" in page and "Ảnh: CTTĐT tỉnh Hải Dương" in page
    assert 'href="/provinces/hai-duong/"' in page and 'href="/provinces/hai-phong/"' in page
    assert 'href="/countries/kr/"' in page
    assert 'href="/partners/suwon/"' in page
    assert f'href="{event.get_absolute_url()}"' in page
    assert "/articles/?topic=hop-tac-dia-phuong" in page


def test_article_without_stated_facts_shows_nothing_about_them(client):
    article = make_article("Bài không nguồn", byline="", source_name="", original_published_at=None)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Đăng gốc" not in page
    assert "Nguồn:" not in page


def test_image_without_file_shows_a_labelled_placeholder_not_a_picture(client):
    article = make_article("Bài có ảnh thiếu tệp", cover_image=make_image(caption="Ảnh hội thảo"))
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Ảnh hội thảo" in page
    assert "Ảnh không có sẵn" in page
    assert "<img" not in page


def test_article_detail_lists_related_articles_from_the_same_unit(client, hai_phong, hai_duong):
    article = make_article("Bài chính", provinces=[hai_duong])
    make_article("Bài cùng đơn vị mới", provinces=[hai_phong])
    make_article("Bài không liên quan")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Bài cùng đơn vị mới" in page
    assert "Bài không liên quan" not in page


@pytest.mark.parametrize(("field", "tag_column"), [("provinces", "province_id"), ("partners", "partner_id")])
def test_tag_links_have_an_index_by_tag_with_the_article_beside_it(field, tag_column):
    """What lets related stories read a province's links from the index alone (the plan at 100,000 articles is in
    BENCHMARKS.md; on a test's few rows the planner may as well take any index)."""
    table = Article._meta.get_field(field).remote_field.through._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    assert [tag_column, "article_id"] in [c["columns"] for c in constraints.values() if c["index"]]


def test_upcoming_and_past_events_are_found_by_the_indexed_last_day():
    """An event's last day is indexed, so the few upcoming events are read without the past ones: the querysets
    and the event lists' SQL must compare the indexed expression itself (plans at 100,000 articles in
    BENCHMARKS.md)."""
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Event._meta.db_table)
    assert indexes["event_last_day"]["index"]
    last_day = 'COALESCE("newsroom_event"."end_date", "newsroom_event"."start_date")'
    assert f"{last_day} >=" in str(Event.objects.upcoming().query)
    assert f"{last_day} <" in str(Event.objects.past().query)
    assert "COALESCE(row.end_date, row.start_date) >=" in event_list_where("upcoming", None, 0)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW, Status.ARCHIVED])
def test_unpublished_article_is_not_found(client, status):
    article = make_article("Bài ẩn", status=status)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_scheduled_article_is_not_found_before_its_time(client):
    article = make_article("Bài hẹn giờ", published_at=timezone.now() + datetime.timedelta(hours=1))
    assert client.get(article.get_absolute_url()).status_code == 404


def test_province_index_groups_merged_units_under_their_new_unit_with_counts(client, hai_phong, hai_duong):
    make_article("Tin Hải Dương", provinces=[hai_duong])
    make_article("Tin Hải Phòng", provinces=[hai_phong])
    make_article("Tin cả hai", provinces=[hai_phong, hai_duong])
    response = client.get("/provinces/")
    units = {unit.slug: unit for unit in response.context["units"]}
    assert set(units) == {"hai-phong"}
    assert units["hai-phong"].unit_article_count == 3
    assert [(old.slug, old.article_count) for old in units["hai-phong"].merged_list] == [("hai-duong", 2)]
    assert 'href="/provinces/hai-duong/"' in response.content.decode()


def test_current_province_page_includes_news_partnerships_and_events_of_merged_units(
    client, hai_phong, hai_duong, suwon
):
    make_article("Tin Hải Dương cũ", provinces=[hai_duong])
    make_partnership(hai_duong, suwon, established_year=2004)
    make_event("Tiếp đoàn Suwon tại Hải Dương", province=hai_duong)
    page = client.get("/provinces/hai-phong/").content.decode()
    assert "Tin Hải Dương cũ" in page
    assert "Suwon" in page and "2004" in page
    assert "Tiếp đoàn Suwon tại Hải Dương" in page
    assert "gồm cả" in page


def test_merged_province_page_says_what_it_merged_into(client, hai_phong, hai_duong):
    make_article("Tin Hải Dương cũ", provinces=[hai_duong])
    make_article("Tin riêng Hải Phòng", provinces=[hai_phong])
    page = client.get("/provinces/hai-duong/").content.decode()
    assert "đã sáp nhập vào" in page and 'href="/provinces/hai-phong/"' in page
    assert "Tin Hải Dương cũ" in page
    assert "Tin riêng Hải Phòng" not in page


def test_country_index_lists_countries_with_content_and_names_in_three_languages(client, korea, suwon):
    make_country("JP", name="Nhật Bản", name_en="Japan", name_ko="일본")
    make_article("Tin Hàn Quốc", countries=[korea])
    page = client.get("/countries/").content.decode()
    assert "Hàn Quốc" in page and "South Korea" in page and "대한민국" in page
    assert "Nhật Bản" not in page


def test_country_page_shows_news_partners_and_events(client, korea, suwon):
    make_article("Tin về Hàn Quốc", countries=[korea])
    make_event("Lễ ra mắt tại Busan", country=korea)
    page = client.get("/countries/kr/").content.decode()
    assert "Tin về Hàn Quốc" in page
    assert 'href="/partners/suwon/"' in page
    assert "Lễ ra mắt tại Busan" in page


def test_country_page_redirects_upper_case_code(client, korea):
    response = client.get("/countries/KR/")
    assert response.status_code == 301
    assert response["Location"] == "/countries/kr/"


@pytest.mark.parametrize(
    "path", ["/countries/zz/", "/countries/korea/", "/countries/k/", "/countries/k%00/", "/countries/%C4%91%C4%91/"]
)
def test_unknown_country_is_not_found(client, korea, path):
    assert client.get(path).status_code == 404


def test_country_page_lists_its_first_partners_and_links_to_all_of_them(client, korea):
    for number in range(PARTNERS_SHOWN + 1):
        make_partner(f"Đối tác Hàn {number:02d}", country=korea)
    page = client.get("/countries/kr/").content.decode()
    assert "Đối tác Hàn 00" in page
    assert f"Đối tác Hàn {PARTNERS_SHOWN - 1:02d}" in page
    assert f"Đối tác Hàn {PARTNERS_SHOWN:02d}" not in page
    assert 'href="/partners/?country=kr">Tất cả đối tác tại Hàn Quốc' in page


def test_country_page_with_few_partners_has_no_link_to_more(client, suwon):
    page = client.get("/countries/kr/").content.decode()
    assert 'href="/partners/suwon/"' in page
    assert "/partners/?country=" not in page


def test_partner_index_narrowed_to_one_country(client, suwon):
    make_partner("Osaka", country=make_country("JP"))
    page = client.get("/partners/?country=kr").content.decode()
    assert 'href="/partners/suwon/"' in page
    assert "Osaka" not in page
    assert "Osaka" in client.get("/partners/").content.decode()


@pytest.mark.parametrize("code", ["zz", "korea", "k%00", ""])
def test_partner_index_for_an_unknown_country_is_not_found(client, suwon, code):
    assert client.get(f"/partners/?country={code}").status_code == 404


def test_partner_index_groups_partners_by_country(client, suwon):
    page = client.get("/partners/").content.decode()
    assert "Hàn Quốc" in page
    assert 'href="/partners/suwon/"' in page


def test_partner_page_shows_names_partnerships_news_and_events(client, hai_duong, suwon):
    make_partnership(hai_duong, suwon, established_year=2004)
    make_article("Suwon và Hải Dương", partners=[suwon])
    event = make_event("Đoàn Suwon thăm Hải Dương")
    event.partners.add(suwon)
    page = client.get("/partners/suwon/").content.decode()
    assert "수원시" in page
    assert 'href="/provinces/hai-duong/"' in page
    assert "Suwon và Hải Dương" in page
    assert "Đoàn Suwon thăm Hải Dương" in page


def test_partnership_directory_shows_kind_year_and_years_running(client, hai_duong, suwon):
    make_partnership(hai_duong, suwon, established_year=2004)
    page = client.get("/partnerships/").content.decode()
    expected_years = timezone.localdate().year - 2004
    assert "Hữu nghị hợp tác" in page
    assert "<td>2004</td>" in page
    assert f"<td>{expected_years}</td>" in page
    assert "nay thuộc Hải Phòng" in page


def test_partnership_directory_says_when_a_relationship_has_lapsed(client, hai_duong, suwon):
    make_partnership(hai_duong, suwon, status="inactive")
    assert "Hữu nghị hợp tác <small>(ngừng hoạt động)</small>" in client.get("/partnerships/").content.decode()


def test_partnership_directory_filters_by_current_unit_including_merged(client, hai_phong, hai_duong, suwon):
    busan = make_partner("Busan")
    other = make_province("Quảng Trị")
    make_partnership(hai_duong, suwon)
    make_partnership(other, busan)
    response = client.get("/partnerships/?province=hai-phong")
    assert [str(p) for p in response.context["partnerships"]] == ["Hải Dương – Suwon"]


def test_partnership_directory_filters_by_kind_and_country(client, hai_duong, suwon):
    japan_partner = make_partner("Osaka", country=make_country("JP", name="Nhật Bản"))
    make_partnership(hai_duong, suwon, kind="friendship")
    make_partnership(hai_duong, japan_partner, kind="sister_city")
    by_kind = client.get("/partnerships/?kind=sister_city").context["partnerships"]
    by_country = client.get("/partnerships/?country=kr").context["partnerships"]
    assert [p.partner.name for p in by_kind] == ["Osaka"]
    assert [p.partner.name for p in by_country] == ["Suwon"]


def test_event_list_separates_upcoming_and_past(client):
    today = timezone.localdate()
    make_event("Sự kiện tuần sau", start_date=today + datetime.timedelta(days=7))
    make_event("Sự kiện năm ngoái", start_date=today - datetime.timedelta(days=365))
    response = client.get("/events/")
    assert [e.title for e in response.context["upcoming_events"]] == ["Sự kiện tuần sau"]
    assert [e.title for e in response.context["page_obj"]] == ["Sự kiện năm ngoái"]


def test_event_list_hides_draft_events(client):
    make_event("Sự kiện nháp", status=Status.DRAFT)
    assert "Sự kiện nháp" not in client.get("/events/").content.decode()


def test_event_page_shows_date_place_partners_and_articles(client, korea, suwon, hai_duong):
    event = make_event(
        "Lễ ra mắt Tổng Lãnh sự quán",
        start_date=datetime.date(2025, 8, 13),
        venue="Busan",
        country=korea,
        province=hai_duong,
        timezone="Asia/Seoul",
    )
    event.partners.add(suwon)
    make_article("Bài về lễ ra mắt", events=[event])
    page = client.get(event.get_absolute_url()).content.decode()
    assert "13/08/2025" in page and "Busan" in page
    assert 'href="/countries/kr/"' in page and 'href="/partners/suwon/"' in page
    assert "Bài về lễ ra mắt" in page


def test_draft_event_page_is_not_found(client):
    event = make_event("Sự kiện nháp", status=Status.DRAFT)
    assert client.get(event.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/articles/khong-co/", "/provinces/khong-co/", "/partners/khong-co/", "/events/khong-co/", "/khong-co/"],
)
def test_unknown_slug_is_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


@pytest.mark.parametrize("language", ["vi", "en", "ko"])
def test_links_are_the_urls_django_would_reverse(language, hai_duong, suwon, korea):
    article = make_article("Tin Suwon")
    event = make_event("Lễ hội Suwon")
    with translation.override(language):
        assert article.get_absolute_url() == reverse("newsroom:article-detail", kwargs={"slug": article.slug})
        assert event.get_absolute_url() == reverse("newsroom:event-detail", kwargs={"slug": event.slug})
        assert hai_duong.get_absolute_url() == reverse("newsroom:province-detail", kwargs={"slug": "hai-duong"})
        assert suwon.get_absolute_url() == reverse("newsroom:partner-detail", kwargs={"slug": "suwon"})
        assert korea.get_absolute_url() == reverse("newsroom:country-detail", kwargs={"code": "kr"})
    assert article.get_absolute_url() == f"/articles/{article.slug}/"
    with translation.override("ko"):
        assert article.get_absolute_url() == f"/ko/articles/{article.slug}/"
