"""One archive holding the whole site: every database record as JSON and every stored file, with checksums.

The records go through Django's serialisers (not pg_dump), so a backup made on PostgreSQL restores into SQLite
and back. Content types and permissions are named by their natural keys: `migrate` makes them afresh.
"""

import datetime
import hashlib
import io
import json
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

import django
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.core.management import call_command
from django.db import transaction

from . import tallies

FORMAT = 1
MADE_BY_MIGRATE = {"contenttypes.ContentType", "auth.Permission"}
# Counted again from the articles on restore, so never out of step with them.
DERIVED = {"newsroom.ArticleTally", "newsroom.TallyHorizon", "newsroom.FilteredTally"}
EXCLUDED_FROM_DUMP = [
    "contenttypes",
    "auth.permission",
    "newsroom.articletally",
    "newsroom.tallyhorizon",
    "newsroom.filteredtally",
]


class BackupError(Exception):
    """The archive cannot be restored as it is, or the database is not the empty one it must go into."""


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def stored_files(storage: Storage = default_storage, directory: str = "") -> Iterator[str]:
    """Every file name in the storage, on local disk or in a bucket alike."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for sub in sorted(directories):
        yield from stored_files(storage, f"{directory}/{sub}" if directory else sub)


def record_counts() -> dict[str, int]:
    """Rows per model, including many-to-many tables, for the manifest and for checking a restore."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label not in MADE_BY_MIGRATE | DERIVED
    }


def add(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(datetime.datetime.now(datetime.UTC).timestamp())
    archive.addfile(info, io.BytesIO(content))


def create(destination: Path) -> tuple[Path, dict]:
    """Write the archive (a .tar.gz path, or a directory to put a dated one in); returns its path and manifest."""
    if destination.is_dir() or not destination.name.endswith(".tar.gz"):
        destination.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
        destination = destination / f"newsroom-{stamp}.tar.gz"
    data = io.StringIO()
    with transaction.atomic():  # one consistent snapshot of the records, and their counts
        call_command("dumpdata", format="exactjson", natural_foreign=True, exclude=EXCLUDED_FROM_DUMP, stdout=data)
        counts = record_counts()
    data_bytes = data.getvalue().encode()
    files: dict[str, str] = {}
    with tarfile.open(destination, "w:gz") as archive:
        add(archive, "data.json", data_bytes)
        for name in stored_files():
            with default_storage.open(name, "rb") as stored:
                content = stored.read()
            files[name] = sha256(content)
            add(archive, f"media/{name}", content)
        manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "django": django.get_version(),
            "data_sha256": sha256(data_bytes),
            "records": counts,
            "files": files,
        }
        add(archive, "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False).encode())
    return destination, manifest


def read(path: Path) -> tuple[dict, bytes, dict[str, bytes]]:
    """The manifest, the records and the files of an archive, every checksum verified first."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            members = {member.name: member for member in archive.getmembers() if member.isfile()}
            manifest = json.loads(archive.extractfile(members["manifest.json"]).read())
            data = archive.extractfile(members["data.json"]).read()
            files = {name: archive.extractfile(members[f"media/{name}"]).read() for name in manifest["files"]}
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(f"{path} is not a complete newsroom backup: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    if sha256(data) != manifest["data_sha256"]:
        raise BackupError("data.json does not match its checksum")
    for name, content in files.items():
        if sha256(content) != manifest["files"][name]:
            raise BackupError(f"media/{name} does not match its checksum")
    return manifest, data, files


def non_empty_models() -> list[str]:
    return [label for label, count in record_counts().items() if count]


def restore(path: Path, force: bool = False) -> dict:
    """Load an archive into an empty migrated database (emptied first with force) and put its files back."""
    manifest, data, files = read(path)
    if filled := non_empty_models():
        if not force:
            raise BackupError(f"the database is not empty ({', '.join(filled[:5])}…); use --force to replace it")
        call_command("flush", interactive=False, verbosity=0)
    with tempfile.TemporaryDirectory() as work:
        fixture = Path(work) / "data.exactjson"
        fixture.write_bytes(data)
        with transaction.atomic():
            # One recount of the stored tallies at the end rather than one per row loaded.
            with tallies.suspended():
                call_command("loaddata", str(fixture), verbosity=0)
            counts = record_counts()
            expected = manifest["records"]
            differ = {label: (n, counts.get(label)) for label, n in expected.items() if counts.get(label) != n}
            if differ:
                raise BackupError(f"restored records differ from the manifest (expected, found): {differ}")
    for name, content in files.items():
        if default_storage.exists(name):
            default_storage.delete(name)
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:
            raise BackupError(f"media/{name} was stored as {saved}")
    return manifest
