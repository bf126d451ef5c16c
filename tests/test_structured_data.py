"""Sharing metadata and JSON-LD: present, valid JSON, and safe whatever the content says."""

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
