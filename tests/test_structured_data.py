"""Sharing metadata and JSON-LD: present, valid JSON, and safe whatever the content says."""

import datetime
import json
import re

import pytest

from .factories import make_article, make_country, make_event, make_partner, make_province

pytestmark = pytest.mark.django_db


def json_ld(page: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.S)
    return [json.loads(block) for block in blocks]


def by_type(page: str) -> dict[str, dict]:
    return {block["@type"]: block for block in json_ld(page)}


def test_article_page_describes_a_news_article_and_its_breadcrumbs(client):
    article = make_article("Hải Dương đón đoàn Suwon", byline="Hạnh Trần (t/h)", provinces=[make_province("Hải Dương")])
    data = by_type(client.get(article.get_absolute_url()).content.decode())
    assert data["NewsArticle"]["headline"] == "Hải Dương đón đoàn Suwon"
    assert data["NewsArticle"]["author"] == {"@type": "Person", "name": "Hạnh Trần (t/h)"}
    assert data["NewsArticle"]["url"] == f"http://testserver{article.get_absolute_url()}"
    names = [item["name"] for item in data["BreadcrumbList"]["itemListElement"]]
    assert names == ["Trang chủ", "Tin tức", "Hải Dương đón đoàn Suwon"]


def test_article_without_byline_names_no_author(client):
    article = make_article("Tin không tác giả", byline="")
    assert "author" not in by_type(client.get(article.get_absolute_url()).content.decode())["NewsArticle"]


def test_event_page_describes_an_event(client):
    event = make_event("Lễ ra mắt", venue="Busan", country=make_country("KR"))
    data = by_type(client.get(event.get_absolute_url()).content.decode())["Event"]
    assert data["startDate"] == "2025-08-13"
    assert data["location"]["address"] == "Busan, Hàn Quốc"


def test_event_in_vietnam_is_not_placed_in_its_partners_country(client):
    event = make_event("Tọa đàm", province=make_province("Quảng Trị"), country=make_country("KR"))
    data = by_type(client.get(event.get_absolute_url()).content.decode())["Event"]
    assert data["location"] == {"@type": "Place", "name": "Tỉnh Quảng Trị", "address": "Tỉnh Quảng Trị"}


def test_event_hours_carry_the_offset_of_where_the_event_happens(client):
    event = make_event(
        "Hội thảo tại Busan",
        start_time=datetime.time(10, 0),
        end_date=datetime.date(2025, 8, 14),
        end_time=datetime.time(12, 0),
        timezone="Asia/Seoul",
    )
    data = by_type(client.get(event.get_absolute_url()).content.decode())["Event"]
    assert data["startDate"] == "2025-08-13T10:00+09:00"
    assert data["endDate"] == "2025-08-14T12:00+09:00"


def test_event_names_no_organiser_the_records_do_not_state(client):
    event = make_event("Lễ ra mắt", end_date=datetime.date(2025, 8, 15))
    data = by_type(client.get(event.get_absolute_url()).content.decode())["Event"]
    assert "organizer" not in data
    assert data["endDate"] == "2025-08-15"


def test_partner_page_describes_an_organization(client):
    partner = make_partner("Thành phố Busan", name_en="Busan Metropolitan City", name_ko="부산광역시")
    data = by_type(client.get(partner.get_absolute_url()).content.decode())["Organization"]
    assert data["name"] == "Thành phố Busan"
    assert data["alternateName"] == ["Busan Metropolitan City", "부산광역시"]
    assert data["address"]["addressCountry"] == "KR"


def test_script_closing_text_in_content_cannot_break_out(client):
    article = make_article("Tiêu đề </script><script>alert(1)</script>")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert by_type(page)["NewsArticle"]["headline"] == "Tiêu đề </script><script>alert(1)</script>"


def test_article_page_has_opengraph_and_twitter_card(client):
    article = make_article("Tin chia sẻ", lead="Sapo để chia sẻ.")
    page = client.get(article.get_absolute_url()).content.decode()
    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="og:title" content="Tin chia sẻ">' in page
    assert '<meta property="og:description" content="Sapo để chia sẻ.">' in page
    assert f'<meta property="og:url" content="http://testserver{article.get_absolute_url()}">' in page
    assert '<meta name="twitter:card" content="summary">' in page
    assert f'<link rel="canonical" href="http://testserver{article.get_absolute_url()}">' in page


def test_list_pages_have_breadcrumbs_visible_and_structured(client):
    page = client.get("/provinces/").content.decode()
    assert 'aria-label="Đường dẫn"' in page
    assert [i["name"] for i in by_type(page)["BreadcrumbList"]["itemListElement"]] == ["Trang chủ", "Tỉnh, thành phố"]


@pytest.fixture
def public_pages():
    """Every public page below the home page, with one item of each kind to show."""
    korea = make_country("KR")
    unit = make_province("Hải Phòng")
    old = make_province("Hải Dương", merged_into=unit)
    partner = make_partner("Suwon", country=korea)
    event = make_event("Tiếp đoàn Suwon", province=old, country=korea)
    article = make_article("Tin Hải Dương", provinces=[old], countries=[korea], partners=[partner], events=[event])
    return [
        "/articles/",
        article.get_absolute_url(),
        "/provinces/",
        unit.get_absolute_url(),
        old.get_absolute_url(),
        "/countries/",
        korea.get_absolute_url(),
        "/partners/",
        partner.get_absolute_url(),
        "/partnerships/",
        "/events/",
        event.get_absolute_url(),
        "/submit/",
        "/submit/thanks/",
    ]


def test_every_public_page_has_canonical_url_and_sharing_cards(client, public_pages):
    for path in ["/", *public_pages]:
        page = client.get(path).content.decode()
        url = f"http://testserver{path}"
        assert f'<link rel="canonical" href="{url}">' in page, path
        assert f'<meta property="og:url" content="{url}">' in page, path
        for meta in ('property="og:title"', 'property="og:description"', 'name="twitter:card"', 'name="twitter:title"'):
            assert re.search(rf'<meta {meta} content="[^"]+">', page), (path, meta)


def test_every_page_below_home_has_visible_and_structured_breadcrumbs(client, public_pages):
    for path in public_pages:
        page = client.get(path).content.decode()
        assert '<nav class="breadcrumbs" aria-label="Đường dẫn">' in page, path
        items = by_type(page)["BreadcrumbList"]["itemListElement"]
        assert items[0]["name"] == "Trang chủ" and len(items) >= 2, path
        assert items[-1]["item"] == f"http://testserver{path}", path


def test_home_page_has_no_breadcrumbs(client):
    page = client.get("/").content.decode()
    assert "BreadcrumbList" not in page and 'aria-label="Đường dẫn"' not in page


def test_later_page_of_a_list_is_its_own_canonical_page_without_filters(client, settings):
    settings.NEWSROOM_PAGE_SIZE = 1
    korea = make_country("KR")
    make_article("Tin một", countries=[korea])
    make_article("Tin hai", countries=[korea])
    page = client.get("/articles/?country=kr&page=2").content.decode()
    assert '<link rel="canonical" href="http://testserver/articles/?page=2">' in page
    first = client.get("/articles/?page=1").content.decode()
    assert '<link rel="canonical" href="http://testserver/articles/">' in first
