"""Test-only speedups; everything else comes from base (and so from DATABASE_URL)."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Pages are read fresh so that tests of other areas see their own edits; tests/test_cache.py turns it on.
NEWSROOM_CACHE_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Nothing is collected in tests: WhiteNoise would warn that the directory is missing; finders serve the files.
STATIC_ROOT = None
