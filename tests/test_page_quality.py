"""Every public page is valid HTML (Nu HTML Checker) and has no accessibility violation (axe-core)."""

import json
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from .browser import axe_violations
from .factories import image_upload, make_article, make_event, make_user
from .pages import build_site

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def html_errors(pages: list[bytes], directory: Path) -> list[str]:
    """Run the Nu HTML Checker on rendered pages and return its errors, one line each."""
    files = []
    for number, content in enumerate(pages):
        page = directory / f"page-{number:02d}.html"
        page.write_bytes(content)
        files.append(page)
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return [
        f"{Path(message['url']).name}:{message.get('lastLine')}: {message['message']}"
        for message in json.loads(result.stderr)["messages"]
    ]


@pytest.mark.django_db
def test_every_public_page_is_valid_html(client, tmp_path):
    pages = []
    for path in build_site():
        response = client.get(path)
        assert response.status_code in {200, 400, 404}, path
        pages.append(response.content)
    assert html_errors(pages, tmp_path) == []


@pytest.mark.django_db
def test_pages_reached_by_posting_or_signing_in_are_valid_html(client, tmp_path, settings, roles):
    """The refused submission form, the rate-limit and CSRF pages, and staff previews of drafts."""
    build_site()
    settings.NEWSROOM_SUBMISSION_RATE_LIMIT = 1
    invalid = {"kind": "event", "email": "sai", "title": "<b>x</b>", "images": [image_upload("a.gif", "GIF")]}
    responses = [client.post("/submit/", invalid), client.post("/submit/", invalid)]
    responses.append(Client(enforce_csrf_checks=True).post("/submit/", {}))
    client.force_login(make_user("Editors"))
    responses.append(client.get(make_article(status="draft", published_at=None).get_absolute_url()))
    responses.append(client.get(make_event(status="draft").get_absolute_url()))
    assert [response.status_code for response in responses] == [200, 429, 403, 200, 200]
    assert html_errors([response.content for response in responses], tmp_path) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 375])
def test_every_public_page_passes_axe(live_server, browser, width):
    browser.set_window_size(width, 900)
    violations = []
    for path in build_site():
        browser.get(live_server.url + path)
        violations += [f"{path}: {violation}" for violation in axe_violations(browser)]
    assert violations == []
