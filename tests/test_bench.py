"""The benchmark's constant page and bare list exist only when the benchmark turns them on."""

import datetime

import pytest
from django.utils import timezone

from .factories import make_article

pytestmark = pytest.mark.django_db


def test_ceiling_page_is_off_by_default(client):
    assert client.get("/bench/ceiling/").status_code == 404


def test_ceiling_page_is_a_constant_two_kilobytes_when_on(client, settings):
    settings.NEWSROOM_BENCH_CEILING = True
    response = client.get("/bench/ceiling/")
    assert response.status_code == 200
    assert len(response.content) == 2048
    assert response.content == client.get("/bench/ceiling/").content


def test_bare_list_is_off_by_default(client):
    assert client.get("/bench/bare-list/").status_code == 404


def test_bare_list_shows_the_twenty_newest_articles_when_on(client, settings):
    settings.NEWSROOM_BENCH_CEILING = True
    articles = [make_article(published_at=timezone.now() - datetime.timedelta(hours=hours)) for hours in range(1, 23)]
    response = client.get("/bench/bare-list/")
    content = response.content.decode()
    assert content.count("<li>") == 20
    assert articles[0].title in content
    assert articles[-1].title not in content
