import io
import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from .browser import DESKTOP, forget_visitor, start_chromium


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a temporary directory that disappears after each test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """The cache (locmem in tests) lives as long as the process; each test starts with it empty."""
    cache.clear()


@pytest.fixture
def roles(db):
    """The Editors and Administrators groups, made by the same command `make run` uses."""
    call_command("setup_roles", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def vietnamese_first():
    """A request under /en/ or /ko/ leaves its language active in the thread; each test starts in Vietnamese."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# Hypothesis: "ci" (the default) keeps the hostile-input suite near a minute; HYPOTHESIS_PROFILE=long runs ten times
# as many examples. Function-scoped fixtures (the database, the site) are shared by a test's examples on purpose.
hypothesis_settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
hypothesis_settings.register_profile("long", parent=hypothesis_settings.get_profile("ci"), max_examples=3000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started after the test database is made, so stopped before it is dropped."""
    return live_server


@pytest.fixture(scope="session")
def desktop_chromium(live_server):
    """One headless Chromium for the whole run: starting one takes longer than most tests.

    It quits before the live server stops, so that no open connection keeps a server thread, and its
    database connection, alive when the test database is dropped.
    """
    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def phone_chromium(live_server):
    driver = start_chromium(phone=True)
    yield driver
    driver.quit()


@pytest.fixture
def browser(desktop_chromium):
    """The desktop browser at its usual size, signed out of everything."""
    desktop_chromium.set_window_size(*DESKTOP)
    forget_visitor(desktop_chromium)
    return desktop_chromium


@pytest.fixture
def phone(phone_chromium):
    """The phone browser, signed out of everything."""
    forget_visitor(phone_chromium)
    return phone_chromium
