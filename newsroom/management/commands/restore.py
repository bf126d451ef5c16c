from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsroom import backups


class Command(BaseCommand):
    help = "Restore a backup archive into an empty migrated database, and put its files back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--force", action="store_true", help="empty a database that holds records first")

    def handle(self, *args: Any, archive: Path, force: bool, **options: Any) -> None:
        try:
            manifest = backups.restore(archive, force=force)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        records = sum(manifest["records"].values())
        self.stdout.write(f"Restored {records} records and {len(manifest['files'])} files from {archive}")
