"""CSV and JSON downloads give exactly what the page's own filters give."""

import csv
import datetime
import html
import io
import json
import re

import pytest
from django.utils import timezone

from newsroom.models import Article, Country, Partner, Province

from .factories import make_article, make_country, make_partner, make_partnership, make_province

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    korea = make_country("KR")
    japan = make_country("JP", name="Nhật Bản", name_en="Japan", name_ko="일본")
    unit = make_province("Hải Phòng")
    old = make_province("Hải Dương", merged_into=unit)
    suwon = make_partner("Suwon", country=korea)
    osaka = make_partner("Osaka", country=japan)
    make_article("Tin Hải Dương", provinces=[old], countries=[korea], partners=[suwon], byline="Hạnh Trần")
    make_article("Tin Nhật Bản", countries=[japan])
    make_partnership(old, suwon, established_year=2004)
    make_partnership(unit, osaka, kind="sister_city", established_year=2011)


def download(client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    return response, b"".join(response.streaming_content).decode("utf-8-sig")


def page_titles(client, path: str) -> list[str]:
    return [article.title for article in client.get(path).context["articles"]]


@pytest.mark.parametrize("query", ["", "country=kr", "province=hai-phong", "partner=suwon", "country=jp"])
def test_article_csv_matches_the_filtered_page(client, content, query):
    response, text = download(client, f"/articles/?{query}&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="bai-viet.csv"'
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["title"] for row in rows] == page_titles(client, f"/articles/?{query}")


@pytest.mark.parametrize("query", ["", "country=kr", "province=hai-phong"])
def test_article_json_matches_the_filtered_page(client, content, query):
    _, text = download(client, f"/articles/?{query}&format=json")
    assert [row["title"] for row in json.loads(text)] == page_titles(client, f"/articles/?{query}")


@pytest.mark.parametrize(("path", "query"), [("/articles/", "q=khong-co-tin-nao"), ("/partnerships/", "kind=mou")])
def test_empty_csv_still_has_its_header_and_the_json_columns(client, content, path, query):
    _, empty = download(client, f"{path}?{query}&format=csv")
    _, full_csv = download(client, f"{path}?format=csv")
    _, full_json = download(client, f"{path}?format=json")
    header = next(csv.reader(io.StringIO(empty)))
    assert list(csv.DictReader(io.StringIO(empty))) == []
    assert header == next(csv.reader(io.StringIO(full_csv))) == list(json.loads(full_json)[0])


def test_article_export_carries_tags_and_source_facts(client, content):
    _, text = download(client, "/articles/?partner=suwon&format=json")
    [row] = json.loads(text)
    assert row["provinces"] == ["hai-duong"] and row["countries"] == ["kr"] and row["partners"] == ["suwon"]
    assert row["byline"] == "Hạnh Trần"
    assert row["url"] == "http://testserver/articles/tin-hai-duong/"


def test_export_with_a_bad_filter_is_refused_like_the_page(client, content):
    assert client.get("/articles/?country=zz&format=csv").status_code == 400


def test_partnership_csv_matches_the_filtered_directory(client, content):
    _, text = download(client, "/partnerships/?country=kr&format=csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(row["province"], row["current_unit"], row["partner"], row["established_year"]) for row in rows] == [
        ("hai-duong", "hai-phong", "suwon", "2004")
    ]


def test_partnership_json_lists_the_whole_directory(client, content):
    _, text = download(client, "/partnerships/?format=json")
    assert sorted(row["partner"] for row in json.loads(text)) == ["osaka", "suwon"]


def test_pages_offer_the_downloads(client, content):
    page = client.get("/articles/?country=kr").content.decode()
    assert "?country=kr&amp;format=csv" in page
    assert "format=json" in client.get("/partnerships/").content.decode()
    assert "/articles/?province=hai-phong&amp;format=csv" in client.get("/provinces/hai-phong/").content.decode()


def test_export_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    korea = make_country("KR")
    for number in range(40):
        make_article(f"Tin {number}", countries=[korea])
    with django_assert_max_num_queries(8):
        _, text = download(client, "/articles/?format=json")
    assert len(json.loads(text)) == 40


@pytest.mark.parametrize(
    ("year", "established_on", "today", "expected"),
    [
        (1995, None, datetime.date(2025, 8, 1), (30, 2025, None)),
        (1996, None, datetime.date(2025, 11, 22), (30, 2026, None)),
        (2004, None, datetime.date(2026, 11, 22), None),
        (None, datetime.date(1995, 8, 13), datetime.date(2025, 8, 1), (30, 2025, datetime.date(2025, 8, 13))),
        (None, datetime.date(1996, 8, 13), datetime.date(2025, 8, 14), (30, 2026, datetime.date(2026, 8, 13))),
        (None, datetime.date(1996, 8, 13), datetime.date(2025, 8, 13), None),
        (None, datetime.date(1996, 2, 29), datetime.date(2025, 3, 2), (30, 2026, datetime.date(2026, 3, 1))),
        (None, datetime.date(1999, 2, 28), datetime.date(2028, 2, 29), (30, 2029, datetime.date(2029, 2, 28))),
        (None, datetime.date(1995, 8, 13), datetime.date(2025, 8, 14), None),
        (None, None, datetime.date(2025, 8, 1), None),
    ],
)
def test_upcoming_round_anniversary(year, established_on, today, expected):
    partnership = make_partnership(
        make_province(), make_partner(), established_year=year, established_on=established_on
    )
    assert partnership.upcoming_anniversary(today) == expected


def test_directory_highlights_round_anniversaries(client):
    year = timezone.localdate().year
    make_partnership(make_province("Hồ Chí Minh"), make_partner("Busan"), established_year=year - 30)
    make_partnership(make_province("Quảng Trị"), make_partner("Suwon"), established_year=year - 22)
    page = client.get("/partnerships/").content.decode()
    assert page.count('class="anniversary"') == 1
    assert f"<strong>30 năm ({year})</strong>" in page


def test_directory_gives_the_day_of_an_anniversary_when_the_day_is_known(client):
    soon = timezone.localdate() + datetime.timedelta(days=10)
    established = datetime.date(soon.year - 25, soon.month, min(soon.day, 28))
    make_partnership(make_province("Hồ Chí Minh"), make_partner("Busan"), established_on=established)
    page = client.get("/partnerships/").content.decode()
    anniversary = established.replace(year=established.year + 25)
    assert f"<strong>25 năm ({anniversary:%d/%m/%Y})</strong>" in page


def download_links(page: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'href="([^"]*format=(?:csv|json)[^"]*)"', page)]


@pytest.mark.parametrize(
    "path", ["/provinces/hai-phong/", "/provinces/hai-duong/", "/countries/kr/", "/partners/suwon/"]
)
def test_detail_page_downloads_give_the_page_list(client, content, settings, path):
    settings.NEWSROOM_PAGE_SIZE = 1
    make_article(
        "Tin thứ hai",
        provinces=[Province.objects.get(slug="hai-duong")],
        countries=[Country.objects.get(code="KR")],
        partners=[Partner.objects.get(slug="suwon")],
    )
    response = client.get(path)
    listed = [article.title for article in response.context["page_obj"].paginator.object_list]
    links = download_links(response.content.decode())
    assert len(links) == 2 and len(listed) == 2
    for link in links:
        _, text = download(client, link)
        rows = json.loads(text) if "format=json" in link else list(csv.DictReader(io.StringIO(text)))
        assert [row["title"] for row in rows] == listed, link


@pytest.mark.parametrize("path", ["/countries/jp/", "/partners/osaka/"])
def test_detail_page_without_news_offers_no_download(client, content, path):
    Article.objects.filter(countries__code="JP").delete()
    response = client.get(path)
    assert response.status_code == 200
    assert download_links(response.content.decode()) == []
