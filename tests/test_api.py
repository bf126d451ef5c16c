"""The read-only API answers with the same content and the same filters as the pages."""

import datetime

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone

from newsroom.filters import ArticleFilter, PartnershipFilter
from newsroom.models import Country, Province, Status

from .factories import make_article, make_country, make_event, make_partner, make_partnership, make_province

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    korea = make_country("KR")
    japan = make_country("JP", name="Nhật Bản", name_en="Japan", name_ko="일본")
    unit = make_province("Hải Phòng")
    old = make_province("Hải Dương", merged_into=unit)
    suwon = make_partner("Suwon", country=korea)
    make_partner("Osaka", country=japan)
    event = make_event("Tiếp đoàn Suwon", province=old, country=korea)
    make_article("Tin Hải Dương", provinces=[old], countries=[korea], partners=[suwon], events=[event])
    make_article("Tin Nhật Bản", countries=[japan])
    make_article("Tin nháp", status=Status.DRAFT, countries=[korea])
    make_partnership(old, suwon, established_year=2004)


def page_titles(client, query: str) -> list[str]:
    return [article.title for article in client.get(f"/articles/?{query}").context["articles"]]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "country=kr",
        "province=hai-phong",
        "province=hai-duong",
        "partner=suwon",
        "country=jp&year=2099",
        "q=hai+duong",
        "q=Nhật",
        f"date_after={datetime.date.today() - datetime.timedelta(days=2)}&country=kr",
        "date_before=2000-01-01",
    ],
)
def test_article_api_matches_the_page_filters(client, content, query):
    response = client.get(f"/api/articles/?{query}")
    assert response.status_code == 200
    assert [item["title"] for item in response.json()["results"]] == page_titles(client, query)


def test_article_api_hides_drafts_and_scheduled(client, content):
    make_article("Tin hẹn giờ", published_at=timezone.now() + datetime.timedelta(hours=1))
    titles = [item["title"] for item in client.get("/api/articles/").json()["results"]]
    assert "Tin nháp" not in titles and "Tin hẹn giờ" not in titles
    assert client.get("/api/articles/tin-nhap/").status_code == 404


def test_article_published_after_startup_appears(client, content):
    client.get("/api/articles/")
    make_article("Tin vừa đăng")
    assert "Tin vừa đăng" in [item["title"] for item in client.get("/api/articles/").json()["results"]]


def test_event_published_after_startup_appears(client, content):
    client.get("/api/events/")
    make_event("Sự kiện vừa đăng", published_at=timezone.now())
    assert "Sự kiện vừa đăng" in [item["title"] for item in client.get("/api/events/").json()["results"]]


def test_article_detail_carries_tags(client, content):
    data = client.get("/api/articles/tin-hai-duong/").json()
    assert data["provinces"][0] == {
        "slug": "hai-duong",
        "name": "Hải Dương",
        "name_en": "Hai Duong",
        "is_current": False,
        "merged_into": "hai-phong",
    }
    assert data["countries"][0]["code"] == "kr"
    assert data["partners"] == ["suwon"]


def test_bad_filter_value_is_a_400(client, content):
    response = client.get("/api/articles/?country=zz")
    assert response.status_code == 400
    assert "country" in response.json()


def test_event_api_filters_by_current_unit(client, content):
    assert [item["title"] for item in client.get("/api/events/?province=hai-phong").json()["results"]] == [
        "Tiếp đoàn Suwon"
    ]


def test_partner_api_filters_by_country(client, content):
    assert [item["slug"] for item in client.get("/api/partners/?country=jp").json()["results"]] == ["osaka"]


def test_partnership_api_matches_the_directory(client, content):
    api = [
        (item["province"]["slug"], item["partner"]["slug"])
        for item in client.get("/api/partnerships/?country=kr").json()["results"]
    ]
    page = [(p.province.slug, p.partner.slug) for p in client.get("/partnerships/?country=kr").context["partnerships"]]
    assert api == page == [("hai-duong", "suwon")]


@pytest.mark.parametrize(
    "query", ["", "province=hai-phong", "province=hai-duong", "kind=friendship", "kind=sister_city", "country=jp"]
)
def test_partnership_api_answers_every_directory_filter_as_the_page_does(client, content, query):
    make_partnership(
        Province.objects.get(slug="hai-phong"),
        make_partner("Osaka 2", country=Country.objects.get(code="JP")),
        kind="sister_city",
    )
    api = [item["id"] for item in client.get(f"/api/partnerships/?{query}").json()["results"]]
    page = [p.pk for p in client.get(f"/partnerships/?{query}").context["partnerships"]]
    assert api == page


@pytest.mark.parametrize(
    "path", ["/api/articles/%00/", "/api/events/a%00b/", "/api/partners/%C4%91/", "/api/partnerships/9999999999999/"]
)
def test_lookup_that_cannot_be_a_key_is_not_found(client, content, path):
    assert client.get(path).status_code == 404


def test_api_is_read_only(client, content):
    assert client.post("/api/articles/", {"title": "x"}).status_code == 405
    assert client.delete("/api/articles/tin-hai-duong/").status_code == 405


def test_openapi_schema_is_valid(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/articles/" in (tmp_path / "schema.yml").read_text()


def test_schema_documents_the_page_filters(client):
    paths = yaml.safe_load(client.get("/api/schema/").content)["paths"]
    documented = {path: {p["name"] for p in paths[path]["get"]["parameters"]} for path in paths}
    assert documented["/api/articles/"] >= {*ArticleFilter.base_filters, "page"}
    assert documented["/api/partnerships/"] >= {*PartnershipFilter.base_filters, "page"}
    assert documented["/api/events/"] >= {"province", "country", "partner", "kind", "date_after", "date_before"}


def test_schema_is_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi: 3" in response.content


@pytest.mark.parametrize("path", ["/api/articles/", "/api/events/", "/api/partners/", "/api/partnerships/"])
def test_api_query_count_does_not_grow_with_items(client, path, django_assert_max_num_queries):
    korea = make_country("KR")
    unit = make_province("Hải Phòng")
    for number in range(25):
        partner = make_partner(country=korea)
        event = make_event(province=unit, country=korea)
        event.partners.add(partner)
        make_article(f"Tin {number}", provinces=[unit], countries=[korea], partners=[partner], events=[event])
        make_partnership(unit, partner)
    with django_assert_max_num_queries(10):
        response = client.get(path)
    assert len(response.json()["results"]) == 20


def test_article_pages_follow_the_list_order_to_the_last_page(client):
    now = timezone.now()
    for number in range(5):
        make_article(f"Tin {number}", published_at=now - datetime.timedelta(hours=number))
    pages = [client.get("/api/articles/", {"page_size": 2, "page": number}).json() for number in (1, 2, 3)]
    assert [[item["title"] for item in page["results"]] for page in pages] == [
        ["Tin 0", "Tin 1"],
        ["Tin 2", "Tin 3"],
        ["Tin 4"],
    ]
    assert {page["count"] for page in pages} == {5}
    assert pages[2]["next"] is None
    assert client.get("/api/articles/", {"page_size": 2, "page": 4}).status_code == 404
