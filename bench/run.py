"""Serve the site with gunicorn on PostgreSQL and Redis, load each page with wrk, and print a table.

    python bench/run.py                  # both runs: uncached (DummyCache) and cached (Redis)
    python bench/run.py --duration 5     # seconds of load per page
    python bench/run.py --wagtail        # then Wagtail's news index on the same machine (bench/wagtail/)

The database (BENCH_DATABASE_URL, default newsroom_bench) is migrated and seeded with seed_demo up to
--articles synthetic articles the first time. Each page's throughput is compared with the ceiling: a constant
2 KB page served by the same server through the same middleware (BENCH_CEILING=1). "bare list" is the issue's
yardstick, a bare Django view listing the 20 newest articles with select_related.
"""

import argparse
import json
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/newsroom_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/3"

# The pages measured, in the order printed. {province}, {country} and {article} are filled from the data.
PAGES = {
    "home": "/",
    "articles": "/articles/",
    "province": "/provinces/{province}/",
    "country": "/countries/{country}/",
    "articles page 2000": "/articles/?page=2000",
    "article": "/articles/{article}/",
    "search": "/search/?q=hai+duong",
    "bare list (reference)": "/bench/bare-list/",
    "ceiling (2 KB)": "/bench/ceiling/",
}
CEILING = "ceiling (2 KB)"

PICK_PAGES = """
import json
from django.db.models import Count
from newsroom.models import Article, Province
province = Province.objects.filter(is_current=True).annotate(n=Count("articles")).order_by("-n").first()
article = Article.objects.published().filter(slug__startswith="demo-").order_by("-published_at")[500]
print(json.dumps({"province": province.slug, "country": "kr", "article": article.slug,
                  "articles": Article.objects.count()}))
"""


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=capture, text=True
    )
    # The last line: Django's shell may print a line of its own first.
    lines = result.stdout.strip().splitlines() if capture else []
    return lines[-1] if lines else ""


def create_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database on a machine that has never run the benchmark."""
    name = urllib.parse.urlparse(url).path.lstrip("/")
    server = urllib.parse.urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare(env: dict[str, str], articles: int) -> dict[str, str]:
    """Create the database, migrate, load the fixtures and seed once; return the slugs the page URLs need."""
    create_database(env["DATABASE_URL"])
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_fixtures", "-v0", capture=True)
    facts = json.loads(manage(env, "shell", "-c", PICK_PAGES, capture=True)) if has_articles(env, articles) else None
    if facts is None:
        print(f"Seeding {articles} synthetic articles…", flush=True)
        manage(env, "seed_demo", "--articles", str(articles))
        facts = json.loads(manage(env, "shell", "-c", PICK_PAGES, capture=True))
    manage(env, "collectstatic", "--noinput", "-v0")
    return facts


def has_articles(env: dict[str, str], articles: int) -> bool:
    count = manage(
        env, "shell", "-c", "from newsroom.models import Article; print(Article.objects.count())", capture=True
    )
    return int(count) >= articles


class Server:
    """gunicorn in the background, stopped (with its workers) on exit."""

    def __init__(self, env: dict[str, str], port: int, workers: int) -> None:
        self.port = port
        self.process = subprocess.Popen(
            [
                PYTHON, "-m", "gunicorn", "config.wsgi",
                "--workers", str(workers),
                "--bind", f"127.0.0.1:{port}",
                "--log-level", "warning",
            ],
            cwd=ROOT,
            env=env,
        )  # fmt: skip

    def __enter__(self) -> "Server":
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/bench/ceiling/", timeout=5)
                return self
            except OSError:
                time.sleep(0.5)
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
    """wrk's requests per second and latency percentiles; non-2xx answers are counted, and fail the run."""
    output = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{output}")
    timeouts = re.search(r"Socket errors: .*timeout (\d+)", output)
    return {
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(output, 50),
        "p99": to_ms(output, 99),
    }


def run_mode(
    env: dict[str, str], urls: dict[str, str], args: argparse.Namespace, port: int, *, alone: bool = False
) -> dict:
    """Each page under load; with ``alone``, also its median latency with one connection, a request at a time:
    what a reader waits when the servers are not saturated (under load the median is mostly time in the queue)."""
    results: dict[str, dict[str, float]] = {}
    with Server(env, port, args.workers) as server:
        base = f"http://127.0.0.1:{port}"
        for path in urls.values():  # warm every worker's connection and the cache
            for _ in range(args.workers * 2):
                urllib.request.urlopen(base + path, timeout=60).read()
        # The ceiling is timed first and last: on a shared machine the load moves during a run, and each page is
        # compared with the mean of the two.
        order = [CEILING, *(name for name in urls if name != CEILING), f"{CEILING} again"]
        for name in order:
            results[name] = load(base + urls[name.removesuffix(" again")], args.duration, args.connections)
            print(f"  {name:<20} {results[name]['rps']:8.1f} req/s", flush=True)
            # Let requests still queued from this page finish before the next page is timed.
            for _ in range(args.workers + 1):
                urllib.request.urlopen(f"{base}/bench/ceiling/", timeout=60).read()
        for name in urls if alone else ():
            results[name]["p50_alone"] = load(base + urls[name], args.duration, 1)["p50"]
        rss = server.worker_rss_mb()
    ceiling = (results[CEILING]["rps"] + results[f"{CEILING} again"]["rps"]) / 2
    return {"pages": results, "ceiling_rps": ceiling, "worker_rss_mb": rss}


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), platform.processor())
    memory_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return {"cpus": str(os.cpu_count()), "cpu": cpu, "ram": f"{memory_kb / 1024 / 1024:.1f} GiB"}


def versions(env: dict[str, str]) -> dict[str, str]:
    probe = (
        "import django, gunicorn; from django.db import connection; c = connection.cursor(); "
        "c.execute('show server_version'); print(django.get_version(), gunicorn.__version__, c.fetchone()[0])"
    )
    django_version, gunicorn_version, postgres = manage(env, "shell", "-c", probe, capture=True).split(maxsplit=2)
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1]
    redis = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.split()[2]
    return {
        "python": platform.python_version(),
        "django": django_version,
        "postgresql": postgres,
        "gunicorn": gunicorn_version,
        "wrk": wrk,
        "redis": redis.removeprefix("v="),
    }


def table(runs: dict[str, dict], urls: dict[str, str]) -> str:
    ceiling = {mode: run["ceiling_rps"] for mode, run in runs.items()}
    lines = [
        "| page | uncached req/s | p50 ms | p99 ms | p50 ms, 1 connection | % of ceiling "
        "| cached req/s | p50 ms | p99 ms | % of ceiling |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in [*urls, f"{CEILING} again"]:
        cells = [name]
        for mode in ("uncached", "cached"):
            page = runs[mode]["pages"][name]
            share = 100 * page["rps"] / ceiling[mode]
            cells += [f"{page['rps']:.0f}", f"{page['p50']:.1f}", f"{page['p99']:.1f}"]
            if mode == "uncached":
                cells.append(f"{page['p50_alone']:.1f}" if "p50_alone" in page else "")
            cells.append(f"{share:.1f}%")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# Our pages and the Wagtail pages that do the same job, compared by their share of their own stack's ceiling.
WAGTAIL_COUNTERPARTS = {"articles": "news index", "articles page 2000": "news index page 2000", "article": "news page"}


def run_wagtail(args: argparse.Namespace) -> dict:
    """bench/wagtail/run.py with the same load settings; its results as it writes them."""
    with tempfile.TemporaryDirectory() as work:
        output = Path(work) / "wagtail.json"
        subprocess.run(
            [
                PYTHON, str(ROOT / "bench" / "wagtail" / "run.py"),
                "--duration", str(args.duration),
                "--connections", str(args.connections),
                "--workers", str(args.workers),
                "--json", str(output),
            ],
            check=True,
        )  # fmt: skip
        return json.loads(output.read_text())


def wagtail_table(runs: dict[str, dict], wagtail: dict) -> str:
    ours = runs["uncached"]
    lines = [
        "| page | req/s | % of ceiling | Wagtail page | Wagtail req/s | % of Wagtail's ceiling | ours ÷ Wagtail |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    for name, counterpart in WAGTAIL_COUNTERPARTS.items():
        share = 100 * ours["pages"][name]["rps"] / ours["ceiling_rps"]
        theirs = wagtail["pages"][counterpart]
        their_share = 100 * theirs["rps"] / wagtail["ceiling_rps"]
        lines.append(
            f"| {name} | {ours['pages'][name]['rps']:.0f} | {share:.1f}% | {counterpart} | {theirs['rps']:.0f} | "
            f"{their_share:.1f}% | {share / their_share:.2f}× |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=6, help="seconds of load per page and run")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=8931)
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--wagtail", action="store_true", help="also measure Wagtail's news index (bench/wagtail/)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    work = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE),
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": os.environ.get("BENCH_MEDIA_ROOT", str(ROOT / "bench" / ".media")),
        "BENCH_CEILING": "1",
    }
    facts = prepare({**env, "CACHE_URL": "dummy://"}, args.articles)
    urls = {name: path.format(**facts) for name, path in PAGES.items()}
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    runs = {}
    load_before = os.getloadavg()
    for mode, cache_url in (("uncached", "dummy://"), ("cached", redis_url)):
        print(f"{mode} ({cache_url}), {args.workers} gunicorn workers:", flush=True)
        if mode == "cached":
            manage({**env, "CACHE_URL": cache_url}, "shell", "-c", "from django.core.cache import cache; cache.clear()")
        runs[mode] = run_mode({**env, "CACHE_URL": cache_url}, urls, args, args.port, alone=mode == "uncached")
    wagtail = run_wagtail(args) if args.wagtail else None
    report = {
        "articles": facts["articles"],
        "wagtail": wagtail,
        "urls": urls,
        "workers": args.workers,
        "connections": args.connections,
        "duration_s": args.duration,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "machine": machine(),
        "versions": versions(env),
        "runs": runs,
    }
    shutil.rmtree(work, ignore_errors=True)
    print()
    print(table(runs, urls))
    print()
    for mode, run in runs.items():
        rss = run["worker_rss_mb"]
        print(f"{mode}: worker RSS {', '.join(f'{mb:.0f}' for mb in rss)} MB")
    if wagtail:
        print()
        print(f"Uncached, against Wagtail {wagtail['versions']['wagtail']} (bench/wagtail/, same load settings):")
        print(wagtail_table(runs, wagtail))
    print(json.dumps({key: report[key] for key in ("articles", "load_average_before", "load_average_after")}))
    print(json.dumps({"machine": report["machine"], "versions": report["versions"]}))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
