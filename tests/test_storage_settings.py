"""Where photos are stored (config/settings/base.py): local disk by default, S3-compatible storage when configured.

Each test imports the settings in a fresh interpreter with its own environment, as the server would start.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PROBE = """
import json
import django
from django.core.files.storage import storages
django.setup()
storage = storages["default"]
print(json.dumps({
    "backend": f"{type(storage).__module__}.{type(storage).__qualname__}",
    "bucket": getattr(storage, "bucket_name", None),
    "endpoint": getattr(storage, "endpoint_url", None),
    "location": storage.location if hasattr(storage, "bucket_name") else None,
    "url": storage.url("images/2026/11/anh.jpg"),
}))
"""

S3_ENVIRONMENT = {
    "AWS_STORAGE_BUCKET_NAME": "newsroom-media",
    "AWS_S3_ENDPOINT_URL": "https://s3.example.test",
    "AWS_S3_REGION_NAME": "ap-southeast-1",
    "AWS_ACCESS_KEY_ID": "test-key",
    "AWS_SECRET_ACCESS_KEY": "test-secret",
}


def storage_under(environment: dict[str, str]) -> dict:
    clean = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env = {**clean, "DJANGO_SETTINGS_MODULE": "config.settings.base", "DEBUG": "1", **environment}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_photos_go_to_the_local_disk_by_default():
    storage = storage_under({})
    assert storage["backend"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert storage["url"] == "/media/images/2026/11/anh.jpg"


@pytest.fixture(scope="module")
def s3_storage() -> dict:
    return storage_under(S3_ENVIRONMENT)


def test_a_bucket_in_the_environment_selects_s3_storage(s3_storage):
    assert s3_storage["backend"] == "storages.backends.s3.S3Storage"


def test_s3_storage_uses_the_bucket_endpoint_and_folder_given(s3_storage):
    assert (s3_storage["bucket"], s3_storage["endpoint"], s3_storage["location"]) == (
        "newsroom-media",
        "https://s3.example.test",
        "media",
    )


def test_s3_photo_urls_are_public_and_unsigned(s3_storage):
    assert s3_storage["url"] == "https://s3.example.test/newsroom-media/media/images/2026/11/anh.jpg"


def test_a_custom_domain_serves_the_photos():
    url = storage_under({**S3_ENVIRONMENT, "AWS_S3_CUSTOM_DOMAIN": "anh.example.test"})["url"]
    assert url == "https://anh.example.test/media/images/2026/11/anh.jpg"
