from typing import Any

from django.core.management.base import BaseCommand

from newsroom.roles import sync_roles


class Command(BaseCommand):
    help = "Create the Editors and Administrators groups and set their permissions (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, count in sync_roles().items():
            self.stdout.write(f"{name}: {count} permissions")
