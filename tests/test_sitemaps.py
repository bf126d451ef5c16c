"""The sitemap lists every public page with its last change, and nothing the public cannot see."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from newsroom.models import Article, Status
from newsroom.sitemaps import TranslatedSitemap

from .factories import make_article, make_country, make_event, make_partner, make_province

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def local(address: str) -> str:
    return address.removeprefix("http://testserver")


def sitemap_pages(client) -> list[str]:
    """The sitemaps the index at /sitemap.xml names, as a crawler finds them."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    return [local(loc.text) for loc in ET.fromstring(response.content).findall("sm:sitemap/sm:loc", NS)]


def page_entries(client, path: str) -> list[tuple[str, str | None]]:
    response = client.get(path)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [
        (local(url.findtext("sm:loc", namespaces=NS)), url.findtext("sm:lastmod", namespaces=NS))
        for url in root.findall("sm:url", NS)
    ]


def sitemap_entries(client) -> dict[str, str | None]:
    """Every entry of every sitemap the index names."""
    return dict(entry for path in sitemap_pages(client) for entry in page_entries(client, path))


def test_the_index_names_a_sitemap_per_section(client):
    make_article("Tin")
    assert sitemap_pages(client) == [
        f"/sitemap-{section}.xml"
        for section in ("sections", "articles", "events", "provinces", "countries", "partners")
    ]


def test_a_long_section_is_split_into_pages_that_list_each_article_once_in_each_language(client, monkeypatch):
    monkeypatch.setattr(TranslatedSitemap, "limit", 4)
    articles = [
        make_article(f"Tin {number}", published_at=timezone.now() - datetime.timedelta(days=number))
        for number in range(3)
    ]
    pages = [path for path in sitemap_pages(client) if path.startswith("/sitemap-articles.xml")]
    assert pages == ["/sitemap-articles.xml", "/sitemap-articles.xml?p=2", "/sitemap-articles.xml?p=3"]
    listed = [location for path in pages for location, _ in page_entries(client, path)]
    assert [len(page_entries(client, path)) for path in pages] == [4, 4, 1]
    assert listed == [f"{prefix}{article.get_absolute_url()}" for article in articles for prefix in ("", "/en", "/ko")]
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404


def test_sitemap_lists_published_content_with_lastmod(client):
    korea = make_country("KR")
    unit = make_province("Hải Phòng")
    partner = make_partner("Suwon", country=korea)
    article = make_article("Tin công khai", provinces=[unit], countries=[korea], partners=[partner])
    event = make_event("Sự kiện công khai")
    entries = sitemap_entries(client)
    today = timezone.localdate().isoformat()
    for path in [article.get_absolute_url(), event.get_absolute_url(), "/provinces/hai-phong/", "/countries/kr/"]:
        assert entries[path] == today, path
    assert entries["/partners/suwon/"] == today
    assert entries["/"] == today


def test_sitemap_leaves_out_drafts_scheduled_and_unpublished(client):
    draft = make_article("Tin nháp", status=Status.DRAFT)
    scheduled = make_article("Tin hẹn giờ", published_at=timezone.now() + datetime.timedelta(days=1))
    archived = make_article("Tin lưu trữ", status=Status.ARCHIVED)
    draft_event = make_event("Sự kiện nháp", status=Status.DRAFT)
    scheduled_event = make_event("Sự kiện hẹn giờ", published_at=timezone.now() + datetime.timedelta(days=1))
    archived_event = make_event("Sự kiện lưu trữ", status=Status.ARCHIVED)
    in_review = make_article("Tin chờ duyệt", status=Status.REVIEW)
    entries = sitemap_entries(client)
    for hidden in (draft, scheduled, archived, in_review, draft_event, scheduled_event, archived_event):
        assert hidden.get_absolute_url() not in entries


def test_sitemap_leaves_out_countries_without_content(client):
    make_country("JP", name="Nhật Bản")
    assert "/countries/jp/" not in sitemap_entries(client)


def test_robots_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_sitemap_leaves_out_a_country_whose_only_content_is_a_draft(client):
    japan = make_country("JP", name="Nhật Bản")
    make_article("Tin nháp", status=Status.DRAFT, countries=[japan])
    make_event("Sự kiện nháp", status=Status.DRAFT, country=japan)
    assert "/countries/jp/" not in sitemap_entries(client)


def test_current_unit_changes_when_news_of_a_merged_unit_is_edited(client):
    unit = make_province("Hải Phòng")
    old = make_province("Hải Dương", merged_into=unit)
    article = make_article("Tin Hải Dương", provinces=[old])
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    assert (
        sitemap_entries(client)["/provinces/hai-phong/"]
        == (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    )


def test_page_with_only_an_event_changes_when_the_event_does(client):
    korea = make_country("KR")
    partner = make_partner("Suwon", country=korea)
    event = make_event("Tiếp đoàn Suwon", country=korea, province=make_province("Quảng Trị"))
    event.partners.add(partner)
    entries = sitemap_entries(client)
    today = timezone.localdate().isoformat()
    assert entries["/countries/kr/"] == entries["/partners/suwon/"] == entries["/provinces/quang-tri/"] == today


def test_sitemap_lists_every_province_old_and_current(client):
    unit = make_province("Hải Phòng")
    make_province("Hải Dương", merged_into=unit)
    entries = sitemap_entries(client)
    assert "/provinces/hai-phong/" in entries and "/provinces/hai-duong/" in entries
