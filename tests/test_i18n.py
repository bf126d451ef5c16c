"""Three languages: Vietnamese at the root, English under /en/, Korean under /ko/."""

import xml.etree.ElementTree as ET

import pytest

from .factories import make_article

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
    root = ET.fromstring(client.get("/sitemap.xml").content)
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
