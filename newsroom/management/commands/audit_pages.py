"""Run Lighthouse on one page of every public kind and fail unless every category scores 100."""

import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsroom.models import Article, Country, Event, Partner, Province

CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# Headless, and able to run as root in CI (no sandbox) and in a small /dev/shm; the browser tests use the same.
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def public_paths() -> list[str]:
    """One page of each public kind, taken from the published content in the database."""
    paths = ["/", "/articles/", "/provinces/", "/countries/", "/partners/", "/partnerships/", "/events/", "/submit/"]
    paths += ["/search/", "/search/?q=busan"]
    paths += [article.get_absolute_url() for article in Article.objects.published()]
    current = Province.objects.filter(is_current=True, merged_units__articles__isnull=False).first()
    merged = Province.objects.filter(is_current=False, articles__isnull=False).first()
    candidates = [
        current,
        merged,
        Country.objects.filter(articles__isnull=False).first(),
        Partner.objects.filter(articles__isnull=False).first(),
        Event.objects.published().first(),
    ]
    paths += [candidate.get_absolute_url() for candidate in candidates if candidate is not None]
    # The English and Korean versions share the templates: their home and an article stand for them.
    article = Article.objects.published().first()
    translated = ["/", article.get_absolute_url()] if article else ["/"]
    paths += [f"/{language}{path}" for language in ("en", "ko") for path in translated]
    return list(dict.fromkeys(paths))


class Command(BaseCommand):
    help = "Audit the public pages of a running server with Lighthouse (npm, in node_modules)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument("--report", default=str(Path(settings.BASE_DIR) / "test-artifacts" / "lighthouse.md"))
        parser.add_argument(
            "--categories",
            default=",".join(CATEGORIES),
            help="Comma-separated Lighthouse categories that must score 100.",
        )
        parser.add_argument(
            "--attempts",
            type=int,
            default=2,
            help="Runs per page while a score falls short: performance depends on how busy the machine is.",
        )

    def handle(self, *args: Any, base_url: str, report: str, categories: str, attempts: int, **options: Any) -> None:
        required = [name for name in categories.split(",") if name]
        unknown = set(required) - set(CATEGORIES)
        if unknown:
            raise CommandError(f"Unknown categories: {', '.join(sorted(unknown))}")
        lighthouse = Path(settings.BASE_DIR) / "node_modules" / ".bin" / "lighthouse"
        if not lighthouse.exists():
            raise CommandError("Lighthouse is missing: run 'make page-tools' first.")
        rows = []
        for path in public_paths():
            scores = {}
            for _ in range(attempts):
                try:
                    scores = self.audit(lighthouse, base_url.rstrip("/") + path, required)
                except subprocess.CalledProcessError:
                    continue
                if all(score == 100 for score in scores.values()):
                    break
            if not scores:
                raise CommandError(f"Lighthouse could not audit {path}.")
            rows.append((path, scores))
            self.stdout.write(f"{path}: " + ", ".join(f"{name} {score}" for name, score in scores.items()))
        self.write_report(Path(report), required, rows)
        failing = [path for path, scores in rows if any(score < 100 for score in scores.values())]
        if failing:
            raise CommandError(f"Lighthouse below 100 on: {', '.join(failing)} (details in {report})")

    def audit(self, lighthouse: Path, url: str, categories: list[str]) -> dict[str, int]:
        with tempfile.TemporaryDirectory() as workdir:
            output = Path(workdir) / "report.json"
            subprocess.run(
                [
                    str(lighthouse),
                    url,
                    f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}",
                    f"--only-categories={','.join(categories)}",
                    "--output=json",
                    f"--output-path={output}",
                    "--quiet",
                ],
                check=True,
                env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"},
                timeout=180,
            )
            result = json.loads(output.read_text())
        return {name: round(result["categories"][name]["score"] * 100) for name in categories}

    def write_report(self, report: Path, categories: list[str], rows: list[tuple[str, dict[str, int]]]) -> None:
        report.parent.mkdir(parents=True, exist_ok=True)
        lines = ["| page | " + " | ".join(categories) + " |", "|---" * (len(categories) + 1) + "|"]
        lines += [f"| {path} | " + " | ".join(str(scores[name]) for name in categories) + " |" for path, scores in rows]
        report.write_text("\n".join(lines) + "\n")
