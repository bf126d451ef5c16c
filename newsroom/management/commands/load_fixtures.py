"""Load the fixtures into a new database, and leave an existing newsroom's edits alone."""

import json
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from newsroom.models import Province

FIXTURES = ["places", "seed"]

# Other names of places, kept by hand beside the generated places fixture: model label → natural key → names.
PLACE_NAMES = Path(settings.BASE_DIR) / "fixtures" / "place_names.json"


def add_place_names(path: Path = PLACE_NAMES) -> None:
    """Add each listed name to the record's ``aliases`` unless it is there already."""
    for label, records in json.loads(path.read_text(encoding="utf-8")).items():
        manager = apps.get_model(label).objects
        for key, names in records.items():
            record = manager.get_by_natural_key(key)
            lines = record.aliases.splitlines()
            record.aliases = "\n".join([*lines, *(name for name in names if name not in lines)])
            record.save(update_fields=["aliases"])


class Command(BaseCommand):
    help = "Load the place and seed fixtures unless the database already holds them (--force reloads)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Reload, overwriting edits to fixture records.")

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        if Province.objects.exists() and not force:
            self.stdout.write("Fixtures already loaded; leaving the content as it is.")
            return
        call_command("loaddata", *FIXTURES, verbosity=options["verbosity"])
        add_place_names()
