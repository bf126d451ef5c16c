"""Anonymous readers get stored pages, and any change to the content shows on the very next request."""

import datetime
import json
import os
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsroom.caching import StaticFilesMiddleware
from newsroom.models import Article, Status

from .factories import make_article, make_country, make_event, make_partner, make_province, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.NEWSROOM_CACHE_SECONDS = 600


def queries_for(client, path: str, **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **headers)
    return len(captured), response


def test_second_anonymous_visit_is_served_without_a_query(client):
    make_article("Tin đầu tiên")
    first, _ = queries_for(client, "/articles/")
    second, response = queries_for(client, "/articles/")
    assert first > 0
    assert second == 0
    assert "Tin đầu tiên" in response.content.decode()


def test_publishing_a_draft_shows_on_the_next_request(client):
    draft = make_article("Bản nháp sắp đăng", status=Status.DRAFT, published_at=None)
    assert "Bản nháp sắp đăng" not in client.get("/articles/").content.decode()
    draft.status = Status.PUBLISHED
    draft.published_at = timezone.now()
    draft.save()
    assert "Bản nháp sắp đăng" in client.get("/articles/").content.decode()


def test_editing_a_title_shows_on_the_next_request(client):
    article = make_article("Tiêu đề cũ")
    assert "Tiêu đề cũ" in client.get(article.get_absolute_url()).content.decode()
    article.title = "Tiêu đề mới"
    article.save()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Tiêu đề mới" in page
    assert "Tiêu đề cũ" not in page


def test_unpublishing_removes_the_article_at_once(client):
    article = make_article("Tin sẽ gỡ")
    assert "Tin sẽ gỡ" in client.get("/").content.decode()
    article.status = Status.DRAFT
    article.save()
    assert "Tin sẽ gỡ" not in client.get("/").content.decode()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_deleting_an_article_removes_it_at_once(client):
    article = make_article("Tin sẽ xóa")
    assert "Tin sẽ xóa" in client.get("/articles/").content.decode()
    article.delete()
    assert "Tin sẽ xóa" not in client.get("/articles/").content.decode()


def test_tagging_an_article_with_a_province_shows_on_the_province_page(client):
    province = make_province("Quảng Ninh")
    article = make_article("Tin Quảng Ninh")
    assert "Tin Quảng Ninh" not in client.get(province.get_absolute_url()).content.decode()
    article.provinces.add(province)
    assert "Tin Quảng Ninh" in client.get(province.get_absolute_url()).content.decode()


def test_editing_a_partner_shows_on_the_next_request(client):
    partner = make_partner("Thành phố Suwon", country=make_country("KR"))
    assert "Thành phố Suwon" in client.get("/partners/").content.decode()
    partner.name = "Thành phố Suwon (Gyeonggi)"
    partner.save()
    assert "Thành phố Suwon (Gyeonggi)" in client.get("/partners/").content.decode()


def test_publishing_an_event_shows_on_the_next_request(client):
    event = make_event("Lễ hội sắp công bố", status=Status.DRAFT)
    assert "Lễ hội sắp công bố" not in client.get("/events/").content.decode()
    event.status = Status.PUBLISHED
    event.save()
    assert "Lễ hội sắp công bố" in client.get("/events/").content.decode()


def test_a_scheduled_article_appears_when_its_time_comes(client):
    make_article("Tin đã đăng")
    moment = timezone.now() + datetime.timedelta(hours=2)
    make_article("Tin hẹn giờ", published_at=moment)
    assert "Tin hẹn giờ" not in client.get("/articles/").content.decode()
    with time_machine.travel(moment + datetime.timedelta(seconds=1)):
        assert "Tin hẹn giờ" in client.get("/articles/").content.decode()


def test_different_query_strings_are_different_pages(client):
    korea = make_country("KR")
    make_article("Tin về Hàn Quốc", countries=[korea])
    make_article("Tin không gắn nước")
    assert "Tin không gắn nước" in client.get("/articles/").content.decode()
    assert "Tin không gắn nước" not in client.get("/articles/?country=kr").content.decode()


def test_staff_always_get_a_fresh_page(client, roles):
    article = make_article("Tiêu đề trước")
    client.get("/articles/")
    # A change that bypasses signals: only a page rendered now can show it.
    Article.objects.filter(pk=article.pk).update(title="Tiêu đề sau")
    assert "Tiêu đề trước" in Client().get("/articles/").content.decode()
    client.force_login(make_user("Editors"))
    assert "Tiêu đề sau" in client.get("/articles/").content.decode()


def test_staff_preview_of_a_draft_is_never_stored(client, roles):
    draft = make_article("Bản nháp riêng", status=Status.DRAFT, published_at=None)
    client.force_login(make_user("Editors"))
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_submission_form_is_never_shared(client):
    first = Client().get("/submit/")
    second = Client().get("/submit/")
    assert settings.CSRF_COOKIE_NAME in first.cookies
    assert settings.CSRF_COOKIE_NAME in second.cookies
    assert first.cookies[settings.CSRF_COOKIE_NAME].value != second.cookies[settings.CSRF_COOKIE_NAME].value


def test_a_post_is_never_answered_from_the_cache(client):
    make_article("Tin cho POST")
    client.get("/articles/")
    assert client.post("/articles/").status_code == 405


def test_unchanged_page_answers_304_to_its_etag(client):
    make_article("Tin có ETag")
    response = client.get("/articles/")
    assert response["ETag"]
    assert client.get("/articles/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_unchanged_page_answers_304_to_if_modified_since(client):
    make_article("Tin có Last-Modified")
    response = client.get("/articles/")
    assert client.get("/articles/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304


def test_changed_page_answers_200_to_its_old_etag(client):
    article = make_article("Tin trước khi sửa")
    response = client.get("/articles/")
    article.title = "Tin sau khi sửa"
    article.save()
    fresh = client.get("/articles/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert fresh.status_code == 200
    assert "Tin sau khi sửa" in fresh.content.decode()


def test_feed_answers_304_to_its_etag_and_last_modified(client):
    make_article("Tin trong nguồn tin")
    response = client.get("/feeds/latest/")
    assert response["ETag"] and response["Last-Modified"]
    assert client.get("/feeds/latest/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get("/feeds/latest/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304


def test_pages_ask_browsers_to_check_back(client):
    make_article("Tin bất kỳ")
    assert "max-age=0" in client.get("/").headers["Cache-Control"]


def test_nothing_is_stored_when_the_cache_is_off(client, settings):
    settings.NEWSROOM_CACHE_SECONDS = 0
    make_article("Tin không lưu")
    client.get("/articles/")
    second, _ = queries_for(client, "/articles/")
    assert second > 0


def test_hashed_static_files_are_compressed_and_cached_for_a_year(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    page = Client().get("/").content.decode()
    stylesheet = next(
        part for part in page.split('"') if part.startswith("/static/css/site.") and part != "/static/css/site.css"
    )
    assert (settings.STATIC_ROOT / stylesheet.removeprefix("/static/")).with_suffix(".css.gz").exists()
    response = Client().get(stylesheet)
    assert response.status_code == 200
    assert response["Cache-Control"] == f"max-age={StaticFilesMiddleware.FOREVER}, public, immutable"
    assert StaticFilesMiddleware.FOREVER == 365 * 24 * 60 * 60


def settings_under(environment: dict[str, str]) -> dict:
    probe = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({'cache': settings.CACHES['default'], 'seconds': settings.NEWSROOM_CACHE_SECONDS, "
        "'static': settings.STORAGES['staticfiles']['BACKEND'], 'middleware': settings.MIDDLEWARE}))"
    )
    keep = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"}}
    env = {**keep, "DJANGO_SETTINGS_MODULE": "config.settings.base", **environment}
    output = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    return json.loads(output.stdout)


def test_redis_url_selects_djangos_redis_backend():
    loaded = settings_under({"REDIS_URL": "redis://127.0.0.1:6379/3"})
    assert loaded["cache"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/3",
    }


def test_redis_turns_page_caching_on():
    assert settings_under({"CACHE_URL": "redis://127.0.0.1:6379/3"})["seconds"] == 600


def test_without_a_cache_url_the_cache_is_in_memory_and_pages_are_not_stored():
    loaded = settings_under({})
    assert loaded["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert loaded["seconds"] == 0


def test_dummy_cache_url_turns_page_caching_off():
    loaded = settings_under({"CACHE_URL": "dummy://"})
    assert loaded["cache"]["BACKEND"] == "django.core.cache.backends.dummy.DummyCache"
    assert loaded["seconds"] == 0


def test_production_serves_hashed_compressed_static_files_through_whitenoise():
    loaded = settings_under({"DEBUG": "0", "SECRET_KEY": "x" * 50})
    assert loaded["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert "newsroom.caching.StaticFilesMiddleware" in loaded["middleware"]


def test_staff_pages_reuse_the_province_counts_until_content_changes(client, roles):
    unit = make_province("Hà Nội")
    make_article("Tin Hà Nội", provinces=[unit])
    client.force_login(make_user("Editors"))
    first, _ = queries_for(client, "/provinces/")
    second, _ = queries_for(client, "/provinces/")
    assert second < first
    make_article("Tin Hà Nội thứ hai", provinces=[unit])
    third, response = queries_for(client, "/provinces/")
    assert third == first
    assert [u.unit_article_count for u in response.context["units"] if u.pk == unit.pk] == [2]
