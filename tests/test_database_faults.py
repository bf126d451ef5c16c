"""Database faults: an unreachable PostgreSQL gives a quick plain 503 and the site recovers by itself.

The server tests start their own PostgreSQL (initdb + pg_ctl on a temporary directory and a free port) and the
site under Django's development server, then stop and restart the database under it. They need PostgreSQL's server
binaries; on this project's machines (and in CI) they are installed, elsewhere the tests say what is missing.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError

from newsroom.models import Submission, SubmissionImage

from .factories import image_upload

POSTGRES_BIN = Path(os.environ.get("POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))
needs_postgres_binaries = pytest.mark.skipif(
    not (POSTGRES_BIN / "initdb").exists(),
    reason=f"starts a real PostgreSQL server: needs initdb and pg_ctl in {POSTGRES_BIN} (set POSTGRES_BIN)",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_postgres(*command: str) -> list[str]:
    """PostgreSQL refuses to run as root: run its binaries as the postgres user when we are root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


class PostgresServer:
    """A throwaway PostgreSQL cluster that a test can stop and start."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="newsroom-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self.run(str(POSTGRES_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    def run(self, *command: str) -> None:
        subprocess.run(as_postgres(*command), check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            str(POSTGRES_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.directory / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        self.run(str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def remove(self) -> None:
        subprocess.run(
            as_postgres(str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"),
            capture_output=True,
        )
        shutil.rmtree(self.directory, ignore_errors=True)


def site_environment(database_url: str, static_root: Path | None = None) -> dict[str, str]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    if static_root is not None:
        environment["STATIC_ROOT"] = str(static_root)
    return environment


# Django's own development server without runserver's start-up checks, which would need the database.
SERVE = """
import sys
import django
from django.core.servers.basehttp import get_internal_wsgi_application, run
django.setup()
run("127.0.0.1", int(sys.argv[1]), get_internal_wsgi_application(), threading=True)
"""


class Site:
    """The site served over HTTP from its own process, as a visitor reaches it."""

    def __init__(self, database_url: str, log: Path, static_root: Path) -> None:
        self.port = free_port()
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(self.port)],
            cwd=settings.BASE_DIR,
            env=site_environment(database_url, static_root),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the site did not start")

    def get(self, path: str) -> tuple[int, dict[str, str], str, float]:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as response:
                status, headers, body = response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, dict(error.headers), error.read().decode()
        return status, headers, body, time.monotonic() - started

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        server.start()
        server.run(
            str(POSTGRES_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(server.port), "-U", "postgres", "newsroom"
        )
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=settings.BASE_DIR,
            env=site_environment(server.url("newsroom")),
            check=True,
            timeout=300,
        )
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    """With DEBUG off, pages name the hashed static files that collectstatic writes, as in production."""
    root = tmp_path_factory.mktemp("static")
    environment = site_environment("sqlite:///unused.sqlite3", root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=environment,
        check=True,
        timeout=120,
    )
    return root


@pytest.fixture
def site_on(tmp_path, static_root) -> Iterator:
    started: list[Site] = []

    def start(database_url: str) -> Site:
        started.append(Site(database_url, tmp_path / f"site-{len(started)}.log", static_root))
        return started[-1]

    yield start
    for site in started:
        site.stop()


def assert_unavailable_page(status: int, headers: dict[str, str], body: str, seconds: float) -> None:
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "Trang tạm ngừng phục vụ" in body
    assert seconds < 2


@needs_postgres_binaries
def test_site_answers_503_while_postgres_is_down_and_recovers_when_it_returns(postgres, site_on):
    site = site_on(postgres.url("newsroom"))
    assert site.get("/")[0] == 200
    assert site.get("/articles/")[0] == 200

    postgres.stop()
    try:
        for path in ["/", "/articles/", "/submit/", "/feeds/latest/"]:
            assert_unavailable_page(*site.get(path))
    finally:
        postgres.start()

    status, _, body, _ = site.get("/")
    assert status == 200, body
    assert site.get("/articles/")[0] == 200


@needs_postgres_binaries
def test_a_database_that_accepts_but_never_answers_gives_503_after_the_connect_timeout(site_on):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # connections complete in the backlog; nothing ever answers them
    try:
        site = site_on(f"postgres://postgres@127.0.0.1:{silent.getsockname()[1]}/newsroom")
        assert site.get("/robots.txt")[0] == 200  # warmed up: URLconf and views loaded, no database needed
        status, headers, body, seconds = site.get("/")
        assert status == 503
        assert headers["Retry-After"] == "30"
        assert "Trang tạm ngừng phục vụ" in body
        assert 2 <= seconds < 2.5, seconds  # the connect timeout (2 s, libpq's shortest) and the page
    finally:
        silent.close()


@pytest.mark.django_db(transaction=True)
def test_a_submission_whose_database_fails_mid_way_leaves_nothing_saved(client, media_root):
    data = {
        "name": "Nguyễn Thị Hoa",
        "email": "hoa@example.test",
        "kind": "news",
        "title": "Đoàn Suwon thăm tỉnh Thử",
        "text": "Sáng nay đoàn đại biểu đến thăm.",
        "consent": "on",
        "images": [image_upload("mot.jpg"), image_upload("hai.png", "PNG")],
    }
    real_save = SubmissionImage.save
    saves = []

    def fail_on_second(picture, *args, **kwargs):
        saves.append(picture)
        if len(saves) == 2:
            raise OperationalError("server closed the connection unexpectedly")
        return real_save(picture, *args, **kwargs)

    with mock.patch.object(SubmissionImage, "save", fail_on_second):
        response = client.post("/submit/", data)

    assert response.status_code == 503
    assert "Trang tạm ngừng phục vụ" in response.text
    assert len(saves) == 2  # the failure really came after the submission and one picture were written
    assert Submission.objects.count() == 0
    assert SubmissionImage.objects.count() == 0
    assert [path for path in media_root.rglob("*") if path.is_file()] == []


def test_postgres_connections_time_out_quickly():
    """The setting the server tests rely on, as production reads it from DATABASE_URL."""
    probe = "import django; from django.conf import settings; django.setup(); print(settings.DATABASES['default'])"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env=site_environment("postgres://postgres@127.0.0.1:5432/newsroom"),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "'connect_timeout': 2" in result.stdout
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
