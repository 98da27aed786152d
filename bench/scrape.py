"""Scrape capacity: targets × series one scraper process holds at a 15 s interval on one
core with < 1 s scrape lag.

Usage (from the repository root; PostgreSQL at 127.0.0.1:5432)::

    .venv/bin/python bench/scrape.py [--targets 500] [--series 500] [--interval 15]
        [--duration 60] [--warmup 30] [--json out.json]

Method: a fresh bench database, migrated; ``bench/_metrics_server.py`` in another process
serves ``--targets`` synthetic ``/metrics`` bodies of ``--series``
counters each (Prometheus text format); this process (``--pin``: the scraper on CPU 0, the
server on CPU 1; unpinned by default, as a loaded shared machine starves a pinned process)
makes one
ScrapeTarget per body and runs the production scraper (``prom.scraper.runner``: one asyncio
loop, aiohttp, prometheus_client's parser, batched COPY writes) for ``--warmup`` seconds
(the first scrapes create the series: how long until the first scrape of every target is
stored is reported) and then ``--duration`` seconds of measurement.

Reported over the measurement: scrapes done vs due, samples stored vs due (series plus
the 5 synthetic series per scrape, counted in PostgreSQL once the scraper has stopped and
written its queue; how long that took is reported: a long one means the writes fell
behind), scrape lag (start of a scrape
minus its slot: p50/p99/max), the write time per flush, and the scraper process's CPU use
(all its threads, as a share of one core). Target: lag p99 < 1 s, every due scrape done
and stored. PostgreSQL runs on the same (shared) machine; the load average is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from _server import ROOT, database_drop, database_recreate, free_port, manage

SYNTHETIC = 5


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument(
        "--database-url", default="postgres://postgres:postgres@127.0.0.1:5432/hydra_bench_scrape"
    )
    p.add_argument("--targets", type=int, default=500)
    p.add_argument("--series", type=int, default=500)
    p.add_argument("--interval", type=int, default=15, help="seconds")
    p.add_argument("--duration", type=float, default=90.0, help="measured seconds")
    p.add_argument(
        "--warmup", type=float, default=240.0, help="seconds before measuring (series creation)"
    )
    p.add_argument(
        "--pin", action="store_true", help="pin the scraper to CPU 0 and the server to CPU 1"
    )
    p.add_argument("--keep", action="store_true", help="keep the bench database")
    p.add_argument("--json", type=Path)
    return p.parse_args()


def environment(args) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hydra.settings",
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": secrets.token_urlsafe(40),
        "HYDRA_DATA_DIR": tempfile.mkdtemp(prefix="hydra-bench-scrape-"),
        "HYDRA_EMBEDDED_SCHEDULER": "false",
        "HYDRA_SCRAPE_IN_WEB": "false",
        "HYDRA_LOG_LEVEL": "WARNING",
        "DEBUG": "false",
    }


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the metrics server exited")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("the metrics server did not start")


def start_server(args, port: int) -> subprocess.Popen:
    command = [
        sys.executable, str(ROOT / "bench" / "_metrics_server.py"), "--port", str(port),
        "--targets", str(args.targets), "--series", str(args.series),
        "--cpu", "1" if args.pin else "-1",
    ]  # fmt: skip
    proc = subprocess.Popen(command, cwd=ROOT)
    wait_port(port, proc)
    return proc


def make_targets(args, port: int) -> None:
    from prom.models import ScrapeTarget

    ScrapeTarget.objects.bulk_create(
        ScrapeTarget(
            job="bench",
            url=f"http://127.0.0.1:{port}/t/{i}",
            interval_ms=args.interval * 1000,
            timeout_ms=min(10_000, args.interval * 1000),
            labels={"target": f"t{i:04d}"},
        )
        for i in range(args.targets)
    )


def stored(since_us: int, until_us: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM metrics_point WHERE ts >= %s AND ts < %s", [since_us, until_us]
        )
        return cursor.fetchone()[0]


class TimedWrites:
    """The production writer, timed."""

    def __init__(self) -> None:
        from prom.scraper.writer import write_results

        self.write = write_results
        self.seconds: list[tuple[float, float]] = []  # (when, how long)
        self.points = 0

    def __call__(self, results) -> int:
        started = time.perf_counter()
        stored = self.write(results)
        self.points += stored
        self.seconds.append((time.time(), time.perf_counter() - started))
        return stored


def measure(args) -> dict:
    from prom.scraper.loop import Scraper
    from prom.scraper.targets import load_targets

    writes = TimedWrites()
    scraper = Scraper(load=load_targets, write=writes, reload_s=3600, max_bytes=10 << 20)
    stop = threading.Event()
    thread = threading.Thread(target=lambda: __import__("asyncio").run(scraper.run(stop)))
    started = time.time()
    thread.start()
    first_stored = None
    while time.time() - started < args.warmup:
        time.sleep(1)
        if first_stored is None and writes.points >= args.targets * (args.series + SYNTHETIC):
            first_stored = round(time.time() - started, 1)
    lags_before, scrapes_before = len(scraper.lags_ms), scraper.scrapes
    cpu_before, since = time.process_time(), time.time()
    time.sleep(args.duration)
    cpu, until = time.process_time() - cpu_before, time.time()
    lags = np.array(list(scraper.lags_ms)[lags_before:])
    scrapes = scraper.scrapes - scrapes_before
    stop.set()
    stopped = time.time()
    thread.join()  # the scraper writes what it has queued before it returns
    drain_s = round(time.time() - stopped, 1)
    due_scrapes = args.targets * args.duration / args.interval
    flushes = [s for when, s in writes.seconds if since <= when <= until]
    # points are stamped with their scrape's start: count those started in the window,
    # excluding the last interval's scrapes still in flight at the end
    counted = stored(int(since * 1e6), int((until - args.interval) * 1e6))
    due_points = (
        args.targets * (args.series + SYNTHETIC) * (args.duration - args.interval) / args.interval
    )
    return {
        "targets": args.targets,
        "series_per_target": args.series,
        "interval_s": args.interval,
        "measured_s": round(until - since, 1),
        "first_scrapes_stored_after_s": first_stored,
        "series": args.targets * (args.series + SYNTHETIC),
        "scrapes": scrapes,
        "scrapes_due": round(due_scrapes),
        "samples_per_s": round(scrapes * (args.series + SYNTHETIC) / (until - since)),
        "stored_points": counted,
        "stored_due": round(due_points),
        "lag_ms_p50": round(float(np.percentile(lags, 50)), 1) if len(lags) else None,
        "lag_ms_p99": round(float(np.percentile(lags, 99)), 1) if len(lags) else None,
        "lag_ms_max": round(float(lags.max()), 1) if len(lags) else None,
        "flush_s_p50": round(float(np.median(flushes)), 3) if flushes else None,
        "flush_s_max": round(max(flushes), 3) if flushes else None,
        "flushes": len(flushes),
        "backlog_written_after_stop_s": drain_s,
        "cpu_share_of_one_core": round(cpu / (until - since), 3),
        "load_average": os.getloadavg(),
    }


def main() -> None:
    args = parse_args()
    env = environment(args)
    database_recreate(args.database_url)
    manage(env, "migrate", "--noinput")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if args.pin:
        os.sched_setaffinity(0, {0})
    port = free_port()
    server = start_server(args, port)
    try:
        make_targets(args, port)
        result = measure(args)
    finally:
        server.terminate()
        server.wait(timeout=10)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            database_drop(args.database_url)
    ok = (
        result["lag_ms_p99"] is not None
        and result["lag_ms_p99"] < 1000
        and result["scrapes"] >= 0.98 * result["scrapes_due"]
        and result["stored_points"] >= 0.98 * result["stored_due"]
    )
    result["target_met"] = ok
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
