"""manage.py make_renditions: missing renditions are made again, existing ones left alone unless asked."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from .photos import make_photo

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    output = io.StringIO()
    call_command("make_renditions", *args, stdout=output)
    return output.getvalue()


def test_a_missing_rendition_is_made_again():
    photo = make_photo((700, 350))
    lost = photo.picture().files[1].file.name
    default_storage.delete(lost)
    assert run() == "1 renditions made.\n"
    assert default_storage.exists(lost)


def test_nothing_is_made_when_nothing_is_missing():
    make_photo((700, 350))
    assert run() == "0 renditions made.\n"


def test_all_remakes_every_rendition_in_place(media_root):
    photo = make_photo((700, 350))
    names = {rendition.file.name for rendition in photo.picture().files}
    assert run("--all") == f"{len(names)} renditions made.\n"
    assert {path.relative_to(media_root).as_posix() for path in (media_root / "renditions").rglob("*.*")} == names
