from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from newsroom import backups


class Command(BaseCommand):
    help = "Write every database record and stored file into one .tar.gz with a manifest and checksums."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", type=Path, help="a .tar.gz path, or a directory for a dated archive")

    def handle(self, *args: Any, destination: Path, **options: Any) -> None:
        path, manifest = backups.create(destination)
        records = sum(manifest["records"].values())
        self.stdout.write(f"{path}: {records} records, {len(manifest['files'])} files")
