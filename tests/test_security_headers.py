"""Security headers on real responses, a policy without inline script or style, and a clean deploy check."""

import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import override_settings

from .pages import build_site


class InlineCode(HTMLParser):
    """Collects what a Content-Security-Policy without 'unsafe-inline' would block."""

    def __init__(self) -> None:
        super().__init__()
        self.blocked: list[str] = []
        self.nonces: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if "style" in values:
            self.blocked.append(f"<{tag} style=…>")
        if any(name.startswith("on") for name in values):
            self.blocked.append(f"<{tag} on…=>")
        if tag == "script" and "src" not in values and values.get("type") != "application/ld+json":
            self.remember(tag, values)
        if tag == "style":
            self.remember(tag, values)
        if tag == "a" and (values.get("href") or "").lower().startswith("javascript:"):
            self.blocked.append("<a href=javascript:…>")

    def remember(self, tag: str, values: dict[str, str | None]) -> None:
        if values.get("nonce"):
            self.nonces.add(values["nonce"])
        else:
            self.blocked.append(f"<{tag}> without nonce")


def inline_code(html: str) -> InlineCode:
    parser = InlineCode()
    parser.feed(html)
    return parser


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_public_page_sends_the_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_public_page_policy_allows_no_inline_code_and_no_framing(client):
    directives = policy(client.get("/"))
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    sources = {source for values in directives.values() for source in values}
    assert "'unsafe-inline'" not in sources
    assert "'unsafe-eval'" not in sources


@pytest.mark.django_db
def test_every_public_page_has_no_inline_script_style_or_handler(client):
    paths = build_site()
    for path in paths:
        response = client.get(path)
        assert response.status_code in {200, 400, 404}, path
        assert "Content-Security-Policy" in response.headers, path
        assert inline_code(response.text).blocked == [], path


@pytest.mark.django_db
def test_admin_login_is_served_under_the_policy_with_nonces_matching_the_header(client):
    response = client.get(f"/{settings.ADMIN_PATH}login/")
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    found = inline_code(response.text)
    assert found.blocked == []
    for nonce in found.nonces:
        assert f"'nonce-{nonce}'" in policy(response)["script-src"] + policy(response)["style-src"]


@pytest.mark.django_db
def test_admin_pages_need_nothing_the_policy_blocks(admin_client, roles):
    from .factories import make_article, make_submission

    article = make_article("Bài thử trong trang quản trị")
    submission = make_submission()
    for path in [
        "",
        "newsroom/article/",
        "newsroom/article/add/",
        f"newsroom/article/{article.pk}/change/",
        f"newsroom/article/{article.pk}/history/",
        "newsroom/submission/",
        f"newsroom/submission/{submission.pk}/change/",
        "newsroom/image/add/",
        "newsroom/event/add/",
        "auth/user/add/",
    ]:
        response = admin_client.get(f"/{settings.ADMIN_PATH}{path}")
        assert response.status_code == 200, path
        found = inline_code(response.text)
        assert found.blocked == [], path
        directives = policy(response)
        for nonce in found.nonces:
            assert f"'nonce-{nonce}'" in directives["script-src"] + directives["style-src"], path


@override_settings(ADMIN_PATH="redaksi-9f3/")
def test_admin_path_comes_from_the_settings():
    import importlib

    from django.urls import clear_url_caches, resolve

    import config.urls

    try:
        clear_url_caches()
        importlib.reload(config.urls)
        assert resolve("/redaksi-9f3/login/").url_name == "login"
    finally:
        with override_settings(ADMIN_PATH="admin/"):
            importlib.reload(config.urls)
        clear_url_caches()


def production_environment(tmp_path) -> dict[str, str]:
    clean = {name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "EMAIL_", "DJANGO_"))}
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "tin.example.vn",
        "EMAIL_HOST": "smtp.example.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }


def test_deploy_check_passes_without_a_warning_under_the_production_environment(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_environment(tmp_path),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


PROBE = """
import django
from django.test import Client
django.setup()
client = Client()
plain = client.get("/robots.txt", headers={"host": "tin.example.vn"})
secure = client.get("/robots.txt", headers={"host": "tin.example.vn", "x-forwarded-proto": "https"})
print(plain.status_code, plain.headers.get("Location"))
print(secure.status_code, secure.headers.get("Strict-Transport-Security"))
from django.conf import settings
print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)
"""


def test_production_redirects_to_https_and_sends_hsts_behind_the_proxy(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=production_environment(tmp_path),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    plain, secure, cookies = result.stdout.splitlines()
    assert plain == "301 https://tin.example.vn/robots.txt"
    assert secure == "200 max-age=31536000; includeSubDomains; preload"
    assert cookies == "True True"


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_environment(tmp_path)
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert re.search(r"SECRET_KEY must be set", result.stderr)
