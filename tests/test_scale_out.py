"""Two app servers on one database and one Redis: an edit made through one shows at once through the other.

The servers are real gunicorn processes with their own memory, so nothing can be shared but the database and
the cache. They use PostgreSQL when the tests do (a database of their own, dropped afterwards), and one SQLite
file otherwise.
"""

import html
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")

SETUP = """
from django.contrib.auth.models import User
from newsroom.models import Article, Status, Topic
from django.utils import timezone
User.objects.create_superuser("bien-tap", "bien-tap@example.test", "mat-khau-thu")
topic = Topic.objects.create(name="Kinh tế", slug="kinh-te")
article = Article.objects.create(title="Tin kinh tế", slug="tin-kinh-te", body="Nội dung.",
                                 status=Status.PUBLISHED, published_at=timezone.now())
article.topics.add(topic)
print(topic.pk)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_url(tmp_path) -> Iterator[str]:
    """A fresh database for the servers, of the kind the tests run on."""
    test_db = settings.DATABASES["default"]
    if test_db["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        return
    name = f"{test_db['NAME']}_scale_out{os.environ.get('PYTEST_XDIST_WORKER', '')}"
    server = f"postgres://{test_db['USER']}@{test_db['HOST']}:{test_db['PORT'] or 5432}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def environment(database_url, tmp_path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url,
        "CACHE_URL": REDIS_URL,
        "DEBUG": "1",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    return env


@pytest.fixture
def topic_id(environment) -> str:
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SETUP],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    return output.stdout.split()[-1]


@pytest.fixture
def servers(environment) -> Iterator[list[str]]:
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=environment,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            wait_for(url)
        yield urls
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


def wait_for(url: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/robots.txt", timeout=5)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


class Browser:
    """Cookies and CSRF tokens, as a browser keeps them."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=30) as response:
            return response.read().decode()

    def submit(self, url: str, fields: dict[str, str]) -> str:
        """Fetch the form at ``url`` and post it back with its CSRF token; return the page answered."""
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(url)).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(url, data=data, headers={"Referer": url})
        with self.opener.open(request, timeout=30) as response:
            return response.geturl()


def topic_names(page: str) -> list[str]:
    """The topic filter's choices, without the article count each one shows."""
    select = re.search(r'<select name="topic".*?</select>', page, re.S).group(0)
    options = re.findall(r"<option[^>]*>([^<]*)</option>", select)
    return [re.sub(r" \(\d+\)$", "", html.unescape(name).strip()) for name in options]


def test_an_edit_through_one_server_shows_at_once_through_the_other(servers, topic_id):
    first, second = servers
    reader = Browser()
    assert "Kinh tế" in topic_names(reader.get(f"{second}/articles/"))
    assert "Kinh tế" in topic_names(reader.get(f"{second}/articles/"))  # now from the shared cache

    editor = Browser()
    editor.submit(
        f"{first}/admin/login/",
        {"username": "bien-tap", "password": "mat-khau-thu", "next": "/admin/"},
    )
    landed = editor.submit(
        f"{first}/admin/newsroom/topic/{topic_id}/change/",
        {"name": "Kinh tế số", "slug": "kinh-te", "description": "", "_save": "Lưu"},
    )
    assert landed.endswith("/admin/newsroom/topic/")

    names = topic_names(reader.get(f"{second}/articles/"))
    assert "Kinh tế số" in names
    assert "Kinh tế" not in names


def test_staff_session_made_on_one_server_works_on_the_other(servers, topic_id):
    first, second = servers
    editor = Browser()
    editor.submit(
        f"{first}/admin/login/",
        {"username": "bien-tap", "password": "mat-khau-thu", "next": "/admin/"},
    )
    # The session cookie is per host name and both servers are 127.0.0.1: the second server reads the session
    # from the database the first one wrote it to.
    assert "/admin/logout/" in editor.get(f"{second}/admin/")
