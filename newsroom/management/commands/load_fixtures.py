"""Load the fixtures into a new database, and leave an existing newsroom's edits alone."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from newsroom.models import Province

FIXTURES = ["places", "seed"]


class Command(BaseCommand):
    help = "Load the place and seed fixtures unless the database already holds them (--force reloads)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Reload, overwriting edits to fixture records.")

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        if Province.objects.exists() and not force:
            self.stdout.write("Fixtures already loaded; leaving the content as it is.")
            return
        call_command("loaddata", *FIXTURES, verbosity=options["verbosity"])
