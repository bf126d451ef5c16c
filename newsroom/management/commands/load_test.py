"""Load a running server with concurrent visitors and report errors, latency and the workers' memory."""

import statistics
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

PATHS = [
    "/",
    "/articles/",
    "/articles/?country=kr",
    "/provinces/",
    "/provinces/hai-phong/",
    "/countries/kr/",
    "/partners/",
    "/partnerships/",
    "/events/",
    "/submit/",
    "/feeds/latest/",
    "/events.ics",
    "/sitemap.xml",
    "/api/articles/",
]
# Per worker, over the second half of the run: by then every thread, connection and cache is in use, so growth
# left is what a leak would add.
MAX_GROWTH_KB = 4 * 1024


def workers(master: int) -> list[int]:
    """The server's worker processes: the master's children."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise CommandError(f"no memory figure for process {pid}")


class Command(BaseCommand):
    help = "Send --clients concurrent visitors at a running server for --seconds; fail on an error or memory growth."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument("--clients", type=int, default=32)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--warm-up", type=int, default=20, help="seconds of load before memory is first read")
        parser.add_argument("--server-pid", type=int, help="the server's master process, to watch its workers' memory")
        parser.add_argument("--host", default="", help="Host header to send (one of ALLOWED_HOSTS)")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        lock = threading.Lock()
        timings: list[float] = []
        errors: list[str] = []
        # Production redirects plain HTTP; the proxy in front would say the visitor came over HTTPS.
        headers = {"X-Forwarded-Proto": "https", "User-Agent": "newsroom-load-test"}
        if options["host"]:
            headers["Host"] = options["host"]

        def visitor(offset: int) -> None:
            index = offset
            while not stop.is_set():
                path = PATHS[index % len(PATHS)]
                index += 1
                started = time.monotonic()
                try:
                    request = urllib.request.Request(options["base_url"] + path, headers=headers)
                    with urllib.request.urlopen(request, timeout=30) as response:
                        response.read()
                        status = response.status
                except urllib.error.HTTPError as error:
                    status = error.code
                except OSError as error:
                    status = 0
                    with lock:
                        errors.append(f"{path}: {error}")
                with lock:
                    timings.append(time.monotonic() - started)
                    if status != 200 and status != 0:
                        errors.append(f"{path}: HTTP {status}")

        threads = [threading.Thread(target=visitor, args=(n,), daemon=True) for n in range(options["clients"])]
        for thread in threads:
            thread.start()
        time.sleep(options["warm_up"])
        pids = workers(options["server_pid"]) if options["server_pid"] else []
        start = {pid: rss_kb(pid) for pid in pids}
        with lock:
            timings.clear()  # measure the run after the warm-up
        time.sleep(options["seconds"] / 2)
        before = {pid: rss_kb(pid) for pid in pids if Path(f"/proc/{pid}").exists()}
        time.sleep(options["seconds"] / 2)
        after = {pid: rss_kb(pid) for pid in pids if Path(f"/proc/{pid}").exists()}
        stop.set()
        for thread in threads:
            thread.join()

        count = len(timings)
        self.stdout.write(
            f"{options['clients']} clients, {options['seconds']} s after {options['warm_up']} s of warm-up: "
            f"{count} requests ({count / options['seconds']:.1f}/s), {len(errors)} errors"
        )
        if timings:
            ordered = sorted(timings)
            self.stdout.write(
                f"latency: median {statistics.median(ordered) * 1000:.0f} ms, "
                f"95th percentile {ordered[int(len(ordered) * 0.95)] * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms"
            )
        growth = {}
        for pid, first in start.items():
            middle, end = before.get(pid), after.get(pid)
            growth[pid] = None if middle is None or end is None else end - middle
            figures = " → ".join(f"{kb / 1024:.1f}" for kb in (first, middle, end) if kb is not None)
            shown = "replaced" if growth[pid] is None else f"{figures} MB"
            self.stdout.write(f"worker {pid} (after warm-up → half-way → end): {shown}")
        problems = [*errors[:10]]
        problems += [f"worker {pid} was replaced during the run" for pid, grew in growth.items() if grew is None]
        problems += [
            f"worker {pid} grew by {grew / 1024:.1f} MB in the second half"
            for pid, grew in growth.items()
            if grew is not None and grew > MAX_GROWTH_KB
        ]
        if problems:
            raise CommandError("; ".join(problems))
        self.stdout.write(self.style.SUCCESS("0 errors; no worker grew by more than 4 MB in the second half"))
