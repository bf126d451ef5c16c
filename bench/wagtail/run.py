"""Serve a minimal Wagtail news site with gunicorn on PostgreSQL, load each page with wrk, and print a table.

    python bench/wagtail/run.py                  # 100,000 synthetic news pages, 6 s of load per page
    python bench/wagtail/run.py --duration 5 --connections 10 --workers 5 --json out.json

Standard library only: the Wagtail site runs from its own virtualenv (bench/wagtail/.venv, created and filled from
requirements.txt the first time). The database (WAGTAIL_BENCH_DATABASE_URL, default wagtail_bench) is created,
migrated and seeded with --pages synthetic news pages the first time. Each page's throughput is compared with the
ceiling: a constant 2 KB page served by the same server through the same middleware, timed first and last.
"""

import argparse
import hashlib
import json
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"
PYTHON = VENV / "bin" / "python"
REQUIREMENTS = HERE / "requirements.txt"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/wagtail_bench"
CEILING = "ceiling (2 KB)"

CREATE_DATABASE = """
import sys, urllib.parse
import psycopg
from psycopg import sql
url = urllib.parse.urlparse(sys.argv[1])
name = url.path.lstrip("/")
with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as connection:
    if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print("created")
"""

COUNT_PAGES = "from news.models import NewsPage; print(NewsPage.objects.live().count())"

VERSIONS = """
import json, platform, django, gunicorn, wagtail
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SHOW server_version")
    postgres = cursor.fetchone()[0]
print(json.dumps({"wagtail": wagtail.__version__, "django": django.get_version(), "python": platform.python_version(),
                  "gunicorn": gunicorn.__version__, "postgresql": postgres}))
"""


def ensure_venv() -> None:
    """Create .venv and install the pinned requirements into it; skipped when they are already installed."""
    stamp = VENV / ".requirements.sha256"
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if PYTHON.exists() and stamp.exists() and stamp.read_text() == digest:
        return
    if not PYTHON.exists():
        print(f"Creating {VENV}…", flush=True)
        # The project (and so this script) runs on Python 3.12 or newer.
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    print("Installing requirements.txt…", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)], check=True)
    stamp.write_text(digest)


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args], cwd=HERE, env=env, check=True, capture_output=capture, text=True
    )
    # The last line: Django's shell may print a line of its own first.
    lines = result.stdout.strip().splitlines() if capture else []
    return lines[-1] if lines else ""


def prepare(env: dict[str, str], pages: int) -> float | None:
    """Create the database, migrate and seed once, collect the static files; return the seconds seeding took."""
    created = subprocess.run(
        [str(PYTHON), "-c", CREATE_DATABASE, env["DATABASE_URL"]], check=True, capture_output=True, text=True
    ).stdout
    if created.strip():
        print(f"Created database {env['DATABASE_URL']}", flush=True)
    manage(env, "migrate", "--noinput", "-v0")
    seconds = None
    if int(manage(env, "shell", "-c", COUNT_PAGES, capture=True)) < pages:
        print(f"Seeding {pages} synthetic news pages…", flush=True)
        started = time.monotonic()
        manage(env, "seed_news", "--pages", str(pages))
        seconds = time.monotonic() - started
        print(f"Seeded in {seconds:.0f} s", flush=True)
    manage(env, "collectstatic", "--noinput", "-v0")
    return seconds


class Server:
    """gunicorn with sync workers in the background, stopped (with its workers) on exit."""

    def __init__(self, env: dict[str, str], port: int, workers: int) -> None:
        self.port = port
        self.process = subprocess.Popen(
            [
                str(PYTHON), "-m", "gunicorn", "benchsite.wsgi",
                "--workers", str(workers),
                "--bind", f"127.0.0.1:{port}",
                "--log-level", "warning",
            ],
            cwd=HERE,
            env=env,
        )  # fmt: skip

    def __enter__(self) -> "Server":
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/bench/ceiling/", timeout=5)
                return self
            except OSError:
                time.sleep(0.5)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer within a minute")

    def __exit__(self, *exc: object) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)

    def worker_rss_mb(self) -> list[float]:
        output = subprocess.run(
            ["ps", "--ppid", str(self.process.pid), "-o", "rss="], capture_output=True, text=True, check=True
        ).stdout
        return [int(line) / 1024 for line in output.split()]


def to_ms(output: str, percentile: int) -> float:
    """A latency percentile from wrk's distribution; NaN when no request finished in time."""
    found = re.search(rf"{percentile}%\s+([\d.]+)(us|ms|s|m)\b", output)
    if not found:
        return math.nan
    number, unit = found.groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def load(url: str, duration: int, connections: int) -> dict[str, float]:
    """wrk's requests per second and latency percentiles; non-2xx answers fail the run."""
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{output}")
    timeouts = re.search(r"Socket errors: .*timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(output, 50),
        "p99": to_ms(output, 99),
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
    }


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
        return response.read().decode()


def check_pages(base: str, urls: dict[str, str]) -> None:
    """The news index pages list 20 items each and link to news pages; the news page shows its body."""
    for name in ("news index", "news index page 2000"):
        html = fetch(base + urls[name])
        items = html.count("<article>")
        if items != 20 or 'href="/news/synthetic-news-item-' not in html:
            raise RuntimeError(f"{urls[name]} lists {items} news items, not 20")
    if "This is synthetic item" not in fetch(base + urls["news page"]):
        raise RuntimeError(f"{urls['news page']} does not show its body")


def run(env: dict[str, str], urls: dict[str, str], args: argparse.Namespace) -> dict:
    results: dict[str, dict[str, float]] = {}
    with Server(env, args.port, args.workers) as server:
        base = f"http://127.0.0.1:{args.port}"
        check_pages(base, urls)
        for path in urls.values():  # warm every worker's database connection and template cache
            for _ in range(args.workers * 2):
                fetch(base + path)
        # The ceiling is timed first and last: on a shared machine the load moves during a run, and each page is
        # compared with the mean of the two.
        order = [CEILING, *(name for name in urls if name != CEILING), f"{CEILING} again"]
        for name in order:
            results[name] = load(base + urls[name.removesuffix(" again")], args.duration, args.connections)
            print(f"  {name:<22} {results[name]['rps']:8.1f} req/s", flush=True)
            # Let requests still queued from this page finish before the next page is timed.
            for _ in range(args.workers + 1):
                fetch(f"{base}/bench/ceiling/")
        rss = server.worker_rss_mb()
    ceiling = (results[CEILING]["rps"] + results[f"{CEILING} again"]["rps"]) / 2
    return {"ceiling_rps": ceiling, "pages": results, "worker_rss_mb": rss}


def table(result: dict) -> str:
    lines = ["| page | req/s | p50 ms | p99 ms | % of ceiling |", "|---|---:|---:|---:|---:|"]
    for name, page in result["pages"].items():
        share = 100 * page["rps"] / result["ceiling_rps"]
        lines.append(f"| {name} | {page['rps']:.0f} | {page['p50']:.1f} | {page['p99']:.1f} | {share:.1f}% |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=6, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--pages", type=int, default=100_000, help="synthetic news pages to seed")
    parser.add_argument("--port", type=int, default=8941)
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    if args.pages < 40_000:
        sys.exit("--pages must be at least 40,000: the index's page 2000 is measured")

    ensure_venv()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchsite.settings",
        "DATABASE_URL": os.environ.get("WAGTAIL_BENCH_DATABASE_URL", DEFAULT_DATABASE),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(HERE / ".static"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("VIRTUAL_ENV", None)
    seed_seconds = prepare(env, args.pages)
    urls = {
        CEILING: "/bench/ceiling/",
        "news index": "/news/",
        "news index page 2000": "/news/?page=2000",
        "news page": f"/news/synthetic-news-item-{args.pages - 500:05d}/",
    }
    versions = json.loads(manage(env, "shell", "-c", VERSIONS, capture=True))
    print(f"Wagtail {versions['wagtail']}, Django {versions['django']}, {args.workers} gunicorn sync workers:")
    load_before = os.getloadavg()
    result = run(env, urls, args)
    load_after = os.getloadavg()
    print()
    print(table(result))
    print()
    print(f"worker RSS {', '.join(f'{mb:.0f}' for mb in result['worker_rss_mb'])} MB")
    print(json.dumps({"load_average_before": load_before, "load_average_after": load_after, "versions": versions}))
    if args.json:
        report = {
            "ceiling_rps": result["ceiling_rps"],
            "pages": result["pages"],
            "versions": versions,
            "urls": urls,
            "news_pages": args.pages,
            "workers": args.workers,
            "connections": args.connections,
            "duration_s": args.duration,
            "seed_seconds": seed_seconds,
            "load_average_before": load_before,
            "load_average_after": load_after,
            "worker_rss_mb": result["worker_rss_mb"],
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        }
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
