import io

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation


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
