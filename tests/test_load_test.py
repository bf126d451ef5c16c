"""manage.py load_test, briefly, against a live server: it counts requests and fails on errors."""

import io

import pytest
from django.core.management import CommandError, call_command

from .pages import build_site

pytestmark = pytest.mark.django_db(transaction=True)


def load(url: str) -> str:
    """One visitor: the live server shares a single in-memory SQLite connection between its threads."""
    out = io.StringIO()
    call_command("load_test", "--base-url", url, "--clients", "1", "--seconds", "2", "--warm-up", "1", stdout=out)
    return out.getvalue()


def test_a_short_load_run_on_every_kind_of_page_reports_no_errors(live_server):
    build_site()
    report = load(live_server.url)
    assert "1 clients, 2 s after 1 s of warm-up" in report
    assert ", 0 errors" in report


def test_a_load_run_fails_when_pages_fail(live_server):
    with pytest.raises(CommandError, match="HTTP 404"):
        load(live_server.url)  # an empty database: the province and country pages are not found
