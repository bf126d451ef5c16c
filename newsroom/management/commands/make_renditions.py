"""Write the renditions photos are missing, e.g. after files were copied to new storage without them."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from newsroom.images import make_renditions
from newsroom.models import Image


class Command(BaseCommand):
    help = "Make the renditions that are missing from storage for every image with a file (--all remakes them all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Remake every rendition, even those that exist.")

    def handle(self, *args: Any, **options: Any) -> None:
        made = 0
        photos = Image.objects.exclude(file="").exclude(width=None).exclude(height=None)
        for image in photos.iterator():
            made += make_renditions(image.file, image.width, image.height, missing_only=not options["all"])
        self.stdout.write(f"{made} renditions made.")
