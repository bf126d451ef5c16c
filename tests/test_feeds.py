"""RSS feeds parse as XML and carry each item's title, link, date and summary."""

import datetime
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest
from django.utils import timezone

from newsroom.models import Status

from .factories import make_article, make_country, make_partner, make_province

pytestmark = pytest.mark.django_db


def feed_items(client, path: str) -> list[ET.Element]:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title") and channel.findtext("link") and channel.findtext("description")
    return channel.findall("item")


def test_latest_feed_lists_published_articles_with_required_elements(client):
    make_article("Tin đã xuất bản", lead="Sapo của tin.", byline="Hạnh Trần")
    make_article("Tin nháp", status=Status.DRAFT)
    make_article("Tin hẹn giờ", published_at=timezone.now() + datetime.timedelta(days=1))
    [item] = feed_items(client, "/feeds/latest/")
    assert item.findtext("title") == "Tin đã xuất bản"
    assert item.findtext("link").endswith("/articles/tin-da-xuat-ban/")
    assert item.findtext("description") == "Sapo của tin."
    assert item.findtext("pubDate")
    assert item.findtext("guid")


def test_province_feed_of_a_current_unit_includes_merged_units(client):
    unit = make_province("Hải Phòng")
    old = make_province("Hải Dương", merged_into=unit)
    make_article("Tin Hải Dương", provinces=[old])
    make_article("Tin nơi khác")
    assert [item.findtext("title") for item in feed_items(client, "/provinces/hai-phong/feed/")] == ["Tin Hải Dương"]


def test_country_feed(client):
    korea = make_country("KR")
    make_article("Tin Hàn Quốc", countries=[korea])
    make_article("Tin khác")
    assert [item.findtext("title") for item in feed_items(client, "/countries/kr/feed/")] == ["Tin Hàn Quốc"]


def test_partner_feed(client):
    suwon = make_partner("Suwon")
    make_article("Tin Suwon", partners=[suwon])
    make_article("Tin khác")
    assert [item.findtext("title") for item in feed_items(client, "/partners/suwon/feed/")] == ["Tin Suwon"]


@pytest.mark.parametrize(
    "path", ["/feeds/latest/", "/provinces/hai-phong/feed/", "/countries/kr/feed/", "/partners/suwon/feed/"]
)
def test_every_feed_is_rss_2_with_each_items_required_elements(client, path):
    unit = make_province("Hải Phòng")
    korea = make_country("KR")
    suwon = make_partner("Suwon", country=korea)
    article = make_article("Tin Hải Phòng", lead="", provinces=[unit], countries=[korea], partners=[suwon])
    response = client.get(path)
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    self_link = root.find("channel/{http://www.w3.org/2005/Atom}link")
    assert self_link.get("rel") == "self" and self_link.get("href") == f"http://testserver{path}"
    [item] = feed_items(client, path)
    assert item.findtext("title") == "Tin Hải Phòng"
    assert item.findtext("link") == item.findtext("guid") == f"http://testserver{article.get_absolute_url()}"
    assert item.findtext("description") == "Đoạn thứ nhất."
    assert parsedate_to_datetime(item.findtext("pubDate")) == article.published_at.replace(microsecond=0)


@pytest.mark.parametrize(
    "path",
    [
        "/provinces/khong-co/feed/",
        "/countries/zz/feed/",
        "/countries/KR/feed/",
        "/countries/k%00/feed/",
        "/countries/kor/feed/",
        "/partners/khong-co/feed/",
    ],
)
def test_feed_of_unknown_object_is_not_found(client, path):
    make_country("KR")
    assert client.get(path).status_code == 404


def test_pages_advertise_their_feeds(client):
    unit = make_province("Hải Phòng")
    korea = make_country("KR")
    suwon = make_partner("Suwon", country=korea)
    for path in ("/", "/articles/"):
        page = client.get(path).content.decode()
        assert '<link rel="alternate" type="application/rss+xml"' in page and 'href="/feeds/latest/"' in page
    assert 'href="/provinces/hai-phong/feed/"' in client.get(unit.get_absolute_url()).content.decode()
    assert 'href="/countries/kr/feed/"' in client.get(korea.get_absolute_url()).content.decode()
    assert 'href="/partners/suwon/feed/"' in client.get(suwon.get_absolute_url()).content.decode()


def test_feed_query_count_does_not_grow_with_items(client, django_assert_max_num_queries):
    korea = make_country("KR")
    unit = make_province("Hải Phòng")
    for number in range(35):
        make_article(f"Tin {number}", provinces=[unit], countries=[korea])
    with django_assert_max_num_queries(5):
        assert len(feed_items(client, "/feeds/latest/")) == 30
