"""manage.py backup and restore: every record and every file comes back, into an empty database only."""

import hashlib
import io
import json
import shutil
import tarfile

import pytest
import reversion
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from newsroom.models import Article, ArticleTally, Submission, SubmissionImage, TallyHorizon

from .factories import image_upload, make_submission, make_user
from .pages import build_site

pytestmark = pytest.mark.django_db(transaction=True)


def natural(value: object) -> object:
    """Content types and permissions are made afresh by migrate: compare them by what they name."""
    if isinstance(value, ContentType | Permission):
        return value.natural_key()
    return value


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every model (many-to-many tables included), field by field, in primary-key order."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        # The tallies' horizon is the moment they were last counted, not data.
        if model in (ContentType, Permission, TallyHorizon):
            continue
        # Many-to-many rows are saved as lists on their records, and the stored tallies are counted again, so
        # their own keys are new after a restore: they compare by value.
        by_value = model._meta.auto_created or model is ArticleTally
        fields = [f for f in model._meta.concrete_fields if not (by_value and f.primary_key)]
        values = [
            tuple(natural(getattr(row, f.name)) if f.is_relation else getattr(row, f.attname) for f in fields)
            for row in model._base_manager.order_by("pk")
        ]
        rows[model._meta.label] = sorted(values, key=repr) if by_value else values
    return rows


def files(media_root) -> dict[str, str]:
    return {
        str(path.relative_to(media_root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media_root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def filled_site(roles, media_root):
    """Content with photos and renditions, a submission with its picture, accounts, groups and a revision."""
    build_site()
    editor = make_user("Editors")
    submission = make_submission("Bài gửi kèm ảnh")
    picture = SubmissionImage(submission=submission, original_name="anh.jpg", position=0)
    picture.file.save("image.jpg", image_upload(), save=True)
    with reversion.create_revision():
        article = Article.objects.first()
        article.title = "Tiêu đề đã sửa"
        article.save()
        reversion.set_user(editor)
        reversion.set_comment("Sửa tiêu đề")
    return media_root


def backup(tmp_path) -> str:
    out = io.StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    return out.getvalue().split(":")[0]


def test_round_trip_gives_back_every_record_and_every_file(filled_site, tmp_path):
    records, stored = snapshot(), files(filled_site)
    assert sum(len(rows) for rows in records.values()) > 100 and len(stored) > 10
    archive = backup(tmp_path)

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(filled_site)
    assert Article.objects.count() == 0 and not filled_site.exists()

    call_command("restore", archive, stdout=io.StringIO())
    assert snapshot() == records
    assert files(filled_site) == stored
    assert reversion.models.Version.objects.get_for_object(Article.objects.get(title="Tiêu đề đã sửa")).exists()


def test_archive_holds_a_manifest_with_counts_and_checksums(filled_site, tmp_path):
    archive = backup(tmp_path)
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = tar.getnames()
    assert manifest["records"]["newsroom.Submission"] == 1
    assert manifest["records"]["newsroom.Article_provinces"] == Article.provinces.through.objects.count()
    assert set(manifest["files"]) == set(files(filled_site))
    assert {f"media/{name}" for name in manifest["files"]} | {"manifest.json", "data.json"} == set(names)


def test_restore_refuses_a_database_that_holds_records(filled_site, tmp_path):
    archive = backup(tmp_path)
    make_submission("Bài gửi sau bản sao lưu")
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", archive, stdout=io.StringIO())
    assert Submission.objects.filter(title="Bài gửi sau bản sao lưu").exists()


def test_restore_with_force_replaces_what_the_database_holds(filled_site, tmp_path):
    records = snapshot()
    archive = backup(tmp_path)
    make_submission("Bài gửi sau bản sao lưu")
    call_command("restore", archive, "--force", stdout=io.StringIO())
    assert snapshot() == records


def test_restore_refuses_an_archive_whose_file_was_altered(filled_site, tmp_path):
    archive = backup(tmp_path)
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name.startswith("media/") and member.name.endswith(".jpg"):
                content = content[:-1] + b"\0"
            target.addfile(member, io.BytesIO(content))
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(tampered), stdout=io.StringIO())
    assert Article.objects.count() == 0


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="not a complete newsroom backup"):
        call_command("restore", str(bogus), stdout=io.StringIO())
