"""Three languages: Vietnamese at the root, English under /en/, Korean under /ko/."""

import datetime
import re
import xml.etree.ElementTree as ET

import polib
import pytest
from django.conf import settings
from django.core import mail

from newsroom import moderation
from newsroom.models import Submission

from .factories import make_article, make_country, make_event, make_partner, make_partnership, make_province

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


@pytest.mark.parametrize(("path", "language"), [("/", "vi"), ("/en/", "en"), ("/ko/", "ko")])
def test_home_answers_in_each_language(client, path, language):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language


def test_vietnamese_has_no_prefix(client):
    assert client.get("/vi/").status_code == 404


def test_root_stays_vietnamese_whatever_the_browser_prefers(client):
    response = client.get("/", headers={"accept-language": "ko"})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "vi"


def test_api_answers_in_the_language_the_client_asks_for(client):
    response = client.get("/api/articles/", headers={"accept-language": "ko"})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "ko"


def test_sitemap_names_every_language_of_a_page(client):
    article = make_article("Tin ba thứ tiếng")
    root = ET.fromstring(client.get("/sitemap-articles.xml").content)
    locations = [loc.text.removeprefix("http://testserver") for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)]
    for prefix in ("", "/en", "/ko"):
        assert f"{prefix}{article.get_absolute_url()}" in locations
    entry = next(
        url
        for url in root.findall("sm:url", SITEMAP_NS)
        if url.findtext("sm:loc", namespaces=SITEMAP_NS).endswith(f"/en{article.get_absolute_url()}")
    )
    alternates = {link.get("hreflang"): link.get("href") for link in entry.findall("xhtml:link", SITEMAP_NS)}
    assert set(alternates) == {"vi", "en", "ko", "x-default"}
    assert alternates["x-default"] == f"http://testserver{article.get_absolute_url()}"


@pytest.mark.parametrize("language", ["en", "ko"])
def test_catalogue_translates_every_message(language):
    catalogue = polib.pofile(str(settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert len(catalogue.translated_entries()) > 200


def public_site() -> list[str]:
    korea = make_country("KR")
    unit = make_province("Hải Phòng")
    partner = make_partner("Suwon", country=korea)
    make_partnership(unit, partner, established_year=2004)
    event = make_event("Tiếp đoàn Suwon", province=unit, country=korea)
    article = make_article("Hải Phòng tiếp đoàn Suwon", provinces=[unit], countries=[korea], partners=[partner])
    return [
        "",
        "/articles/",
        article.get_absolute_url(),
        "/provinces/",
        unit.get_absolute_url(),
        "/countries/",
        "/countries/kr/",
        "/partners/",
        partner.get_absolute_url(),
        "/partnerships/",
        "/events/",
        event.get_absolute_url(),
        "/submit/",
        "/submit/thanks/",
        "/search/",
        "/search/?q=suwon",
        "/search/?q=...",
    ]


# Interface words a Vietnamese page always shows; none of them is in the test content above.
VIETNAMESE_INTERFACE = [
    "Tin tức",
    "Sự kiện",
    "Đối tác",
    "Quốc gia",
    "Trang chủ",
    "Tòa soạn",
    "Gửi tin bài",
    "Bỏ qua",
    "Tìm",
    "Tất cả",
    "kết quả",
]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_public_pages_answer_in_the_language_with_no_vietnamese_interface(client, language):
    for path in public_site():
        response = client.get(f"/{language}{path or '/'}")
        assert response.status_code == 200, path
        html = response.content.decode()
        assert f'<html lang="{language}">' in html, path
        interface = re.sub(r'<[^>]*\blang="vi"[^>]*>.*?</[a-z]+>', "", html, flags=re.S)
        for words in VIETNAMESE_INTERFACE:
            assert words not in interface, (path, words)


def test_vietnamese_pages_say_vi(client):
    for path in public_site():
        response = client.get(path or "/")
        assert response.status_code == 200, path
        assert '<html lang="vi">' in response.content.decode(), path


def test_unknown_page_is_a_404_in_the_readers_language(client):
    response = client.get("/ko/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "페이지를 찾을 수 없습니다" in response.content.decode()


def test_switcher_links_to_the_same_page_in_each_language(client):
    path = make_article("Tin chuyển ngôn ngữ").get_absolute_url()
    html = client.get(f"/en{path}").content.decode()
    for code, name in (("vi", "Tiếng Việt"), ("en", "English"), ("ko", "한국어")):
        prefix = "" if code == "vi" else f"/{code}"
        url = f"http://testserver{prefix}{path}"
        assert f'<a href="{url}" hreflang="{code}" lang="{code}"' in html
        assert f'<link rel="alternate" hreflang="{code}" href="{url}">' in html
        assert name in html
    assert f'<link rel="alternate" hreflang="x-default" href="http://testserver{path}">' in html
    assert 'hreflang="en" lang="en" aria-current="true">English</a>' in html


def test_switcher_keeps_the_query(client):
    html = client.get("/ko/articles/?country=kr").content.decode()
    assert 'href="http://testserver/en/articles/?country=kr"' in html


@pytest.mark.parametrize(
    ("prefix", "shown"), [("", "13/08/2025"), ("/en", "13 August 2025"), ("/ko", "2025년 8월 13일")]
)
def test_dates_read_as_each_language_writes_them(client, prefix, shown):
    published = datetime.datetime(2025, 8, 13, 9, 30, tzinfo=datetime.UTC)
    article = make_article("Tin ngày tháng", published_at=published)
    html = client.get(f"{prefix}{article.get_absolute_url()}").content.decode()
    assert shown in html


def test_times_are_shown_in_vietnam_time_with_the_zone_named(client):
    article = make_article(
        "Tin giờ gốc", original_published_at=datetime.datetime(2025, 8, 13, 2, 5, tzinfo=datetime.UTC)
    )
    html = client.get(f"/en{article.get_absolute_url()}").content.decode()
    assert "13 August 2025, 09:05 (Vietnam time, UTC+7)" in html


def test_feed_is_in_the_readers_language(client):
    make_article("Tin trong kênh")
    response = client.get("/ko/feeds/latest/")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.findtext("channel/language") == "ko"
    assert root.findtext("channel/title") == "최신 뉴스 · 지방 협력 뉴스룸"
    assert "/ko/articles/" in root.findtext("channel/item/link")


def test_events_calendar_and_robots_exist_per_language(client):
    for prefix in ("", "/en", "/ko"):
        assert client.get(f"{prefix}/events.ics").status_code == 200
        assert client.get(f"{prefix}/robots.txt").status_code == 200


def test_a_submission_sent_in_korean_gets_its_receipt_and_notices_in_korean(client, admin_user):
    data = {
        "name": "김민지",
        "email": "minji@example.test",
        "kind": "news",
        "title": "수원 대표단 방문",
        "text": "대표단이 방문했습니다.",
        "consent": "on",
    }
    assert client.post("/ko/submit/", data).status_code == 302
    submission = Submission.objects.get()
    assert submission.language == "ko"
    receipt = mail.outbox[0]
    assert receipt.subject == f"뉴스룸이 제출물 {submission.reference}을(를) 접수했습니다"
    assert "지방 협력 뉴스룸이 귀하의 제출물을 접수했습니다." in receipt.body
    moderation.reject(submission, admin_user, "Nội dung chưa rõ nguồn.")
    notice = mail.outbox[-1]
    assert notice.subject == f"제출물 {submission.reference}은(는) 게재되지 않았습니다"
    assert "사유:\nNội dung chưa rõ nguồn." in notice.body


@pytest.mark.parametrize(("prefix", "name"), [("", "Hàn Quốc"), ("/en", "South Korea"), ("/ko", "대한민국")])
def test_country_names_are_in_the_readers_language(client, prefix, name):
    make_country("KR")
    html = client.get(f"{prefix}/countries/kr/").content.decode()
    assert f"<h1>{name}</h1>" in html


def test_an_article_without_a_translation_shows_the_vietnamese_with_a_notice(client):
    path = make_article("Hải Dương tiếp đoàn Suwon", body="Đoạn tiếng Việt.").get_absolute_url()
    html = client.get(f"/en{path}").content.decode()
    assert "This article is not yet available in English; showing the Vietnamese original." in html
    assert '<h1 lang="vi">Hải Dương tiếp đoàn Suwon</h1>' in html
    assert '<div class="article__body" lang="vi">' in html
    assert "Đoạn tiếng Việt." in html
    korean = client.get(f"/ko{path}").content.decode()
    assert "이 기사는 아직 한국어로 제공되지 않습니다. 베트남어 원문을 표시합니다." in korean


def test_a_translated_article_shows_the_readers_version_without_notice(client):
    article = make_article("Hải Dương tiếp đoàn Suwon", body="Đoạn tiếng Việt.")
    article.title_ko = "하이즈엉성, 수원시 대표단 접견"
    article.body_ko = "한국어 본문."
    article.save()
    path = article.get_absolute_url()
    html = client.get(f"/ko{path}").content.decode()
    assert "<h1>하이즈엉성, 수원시 대표단 접견</h1>" in html
    assert "한국어 본문." in html
    assert "Đoạn tiếng Việt." not in html
    assert "베트남어 원문을 표시합니다" not in html
    vietnamese = client.get(path).content.decode()
    assert "<h1>Hải Dương tiếp đoàn Suwon</h1>" in vietnamese
    assert "Đoạn tiếng Việt." in vietnamese


def test_an_event_without_a_translation_shows_the_vietnamese_with_a_notice(client):
    event = make_event("Tiếp đoàn Suwon", venue="tỉnh Hải Dương")
    path = event.get_absolute_url()
    html = client.get(f"/en{path}").content.decode()
    assert "This is not yet available in English; showing the Vietnamese original." in html
    assert '<h1 lang="vi">Tiếp đoàn Suwon</h1>' in html
    event.title_en, event.venue_en = "Receiving the Suwon delegation", "Hai Duong Province"
    event.save()
    html = client.get(f"/en{path}").content.decode()
    assert "<h1>Receiving the Suwon delegation</h1>" in html
    assert "Hai Duong Province" in html
    assert "not yet available" not in html


def test_partnership_fields_and_partner_description_have_english_versions(client):
    korea = make_country("KR")
    partner = make_partner("Suwon", country=korea, description="Thành phố Suwon.")
    partner.description_en = "The city of Suwon."
    partner.save()
    html = client.get(f"/en{partner.get_absolute_url()}").content.decode()
    assert "The city of Suwon." in html
    assert "Thành phố Suwon." not in html


def test_province_names_use_the_english_and_korean_columns(client):
    make_province("Hải Phòng", name_en="Hai Phong", name_ko="하이퐁")
    assert ">Hai Phong <span" in client.get("/en/").content.decode()
    assert ">하이퐁 <span" in client.get("/ko/").content.decode()


def test_admin_edits_the_three_languages_side_by_side(admin_client):
    article = make_article("Tin ba thứ tiếng")
    html = admin_client.get(f"/admin/newsroom/article/{article.pk}/change/").content.decode()
    for field in ("title_vi", "title_en", "title_ko", "body_vi", "body_en", "body_ko", "lead_en"):
        assert f'name="{field}"' in html


def test_the_article_filter_finds_every_language_version(client):
    article = make_article("Hải Dương tiếp đoàn Suwon", body="Đoạn tiếng Việt.")
    article.title_en = "Hai Duong receives a delegation from Suwon"
    article.save()
    make_article("Tin khác")
    for prefix in ("", "/en", "/ko"):
        for query in ("delegation", "tiếp đoàn"):
            html = client.get(f"{prefix}/articles/", {"q": query}).content.decode()
            assert "/articles/hai-duong-tiep-doan-suwon/" in html, (prefix, query)
            assert "/articles/tin-khac/" not in html


def test_province_pages_name_the_unit_in_the_readers_language(client):
    unit = make_province("Hải Phòng", kind="municipality", full_name="Thành phố Hải Phòng", name_en="Hai Phong")
    path = unit.get_absolute_url()
    assert "<h1>Thành phố Hải Phòng</h1>" in client.get(path).content.decode()
    assert "<h1>Hai Phong</h1>" in client.get(f"/en{path}").content.decode()
    feed = ET.fromstring(client.get(f"/en{path}feed/").content)
    assert feed.findtext("channel/title") == "Hai Phong · Local Cooperation Newsroom"


def test_breadcrumbs_lead_home_in_the_readers_language(client):
    html = client.get("/ko/partners/").content.decode()
    assert '<li><a href="/ko/">홈</a></li>' in html
    assert '"item": "http://testserver/ko/"' in html


def test_choices_in_forms_name_places_in_the_readers_language(client):
    unit = make_province("Hải Phòng", name_en="Hai Phong")
    make_article("Tin Hàn Quốc", countries=[make_country("KR")], provinces=[unit])
    make_province("Hải Dương", merged_into=unit, name_en="Hai Duong")
    html = client.get("/en/submit/").content.decode()
    assert ">Hai Duong (now part of Hai Phong)</option>" in html
    assert ">South Korea</option>" in html
    assert ">South Korea (1)</option>" in client.get("/en/articles/").content.decode()
