"""The benchmark's constant page exists only when the benchmark turns it on."""

import pytest

pytestmark = pytest.mark.django_db


def test_ceiling_page_is_off_by_default(client):
    assert client.get("/bench/ceiling/").status_code == 404


def test_ceiling_page_is_a_constant_two_kilobytes_when_on(client, settings):
    settings.NEWSROOM_BENCH_CEILING = True
    response = client.get("/bench/ceiling/")
    assert response.status_code == 200
    assert len(response.content) == 2048
    assert response.content == client.get("/bench/ceiling/").content
