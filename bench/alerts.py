"""Alert evaluation and anomaly detection benchmark on PostgreSQL.

Usage (from the repository root; PostgreSQL at 127.0.0.1:5432, trust auth)::

    .venv/bin/python bench/alerts.py [--rules 500] [--series 10000] [--watched 2000]
        [--database-url postgres://postgres@127.0.0.1:5432/hydra_bench_alerts]

Method, in one invocation:

1. drops and recreates the bench database and migrates it;
2. evaluation: ``--series`` series (20 metrics × N hosts), 10 minutes of points at 10 s
   resolution ending now (COPY), ``--rules`` rules spread over the 20 metrics with
   host globs, label matchers, five aggregations, two windows and thresholds that put a few
   percent of the series over; times ``rules_evaluate`` (the 15 s beat task) for the first
   cycle (alerts created), a steady cycle, and a cycle after the hot hosts cool down
   (bulk resolutions). Target: ≤ 5 s per cycle;
3. detection: ``--watched`` series (``watch=True``), 1 hour of history at 10 s; warm-up
   cycles until every series has a detector state (not timed against the target: it
   happens once per series, spread over cycles), then one minute of new points (6 per
   series) and times a steady ``detection_run`` (the 60 s beat task). Target: < 60 s.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import psycopg

ROOT = Path(__file__).resolve().parent.parent
METRICS = 20
STEP_S = 10
US = 1_000_000


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rules", type=int, default=500)
    p.add_argument("--series", type=int, default=10_000)
    p.add_argument("--watched", type=int, default=2_000)
    p.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/hydra_bench_alerts"
    )
    return p.parse_args()


def recreate_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    os.environ["HYDRA_LOG_LEVEL"] = "WARNING"
    os.environ["HYDRA_EMBEDDED_SCHEDULER"] = "false"
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hydra.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_series(name_of, hosts: int, watch: bool = False) -> list:
    from metrics.models import Series, series_key

    rows = []
    for m in range(METRICS if name_of is None else 1):
        for h in range(hosts):
            name = name_of or f"bench.m{m:02d}"
            labels = {"region": ("eu", "us")[h % 2]}
            host = f"host-{h:04d}"
            rows.append(
                Series(
                    name=name,
                    host=host,
                    labels=labels,
                    key=series_key(name, host, labels),
                    watch=watch,
                )
            )
    return Series.objects.bulk_create(rows, batch_size=5000)


def copy_points(ids: list[int], start_s: int, n: int, value_of) -> None:
    """COPY n points per series at 10 s ending at start_s + n*10; ``value_of(i, k)``."""
    from django.db import connection

    buf = io.StringIO()
    for i, sid in enumerate(ids):
        for k in range(n):
            buf.write(f"{sid}\t{(start_s + k * STEP_S) * US}\t{value_of(i, k):.4f}\n")
    with connection.cursor() as cursor:
        with cursor.cursor.copy("COPY metrics_point (series_id, ts, value) FROM STDIN") as copy:
            copy.write(buf.getvalue())
        cursor.execute("ANALYZE")


def make_rules(count: int) -> None:
    from alerts.models import AlertRule

    aggs = ["avg", "max", "min", "last", "p95"]
    rules = []
    for r in range(count):
        m = r % METRICS
        rules.append(
            AlertRule(
                name=f"bench rule {r}",
                metric=f"bench.m{m:02d}",
                host_pattern=f"host-{(r // METRICS) % 10}*" if r % 3 else "*",
                label_matchers=[{"label": "region", "op": "=", "value": "eu"}]
                if r % 4 == 0
                else [],
                agg=aggs[r % 5],
                window_seconds=(60, 300)[r % 2],
                op=">",
                threshold=90.0,
                resolve_threshold=80.0,
                for_seconds=(0, 30)[r % 2],
            )
        )
    AlertRule.objects.bulk_create(rules)


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started


def bench_evaluation(args, now: datetime) -> None:
    from alerts.models import Alert
    from alerts.services.evaluation import rules_evaluate

    hosts = args.series // METRICS
    series = make_series(None, hosts)
    ids = [s.pk for s in series]
    hot = {i for i in range(len(ids)) if i % 25 == 0}  # 4% of series over the threshold
    start = int(now.timestamp()) - 600
    copy_points(ids, start, 60, lambda i, k: 95.0 if i in hot else 40.0 + (k % 7))
    make_rules(args.rules)
    print(f"evaluation: {args.rules} rules over {len(ids)} series ({60 * len(ids)} points)")
    for label, offset in (
        ("first cycle (alerts created)", 0),
        ("steady cycle", 15),
        ("steady cycle", 30),
    ):
        report, seconds = timed(rules_evaluate, now=now + timedelta(seconds=offset))
        print(
            f"  {label:34s} {seconds:6.2f} s  transitions={report.transitions} errors={len(report.errors)}"
        )
    copy_points([ids[i] for i in sorted(hot)], int(now.timestamp()) + 1, 6, lambda i, k: 10.0)
    report, seconds = timed(rules_evaluate, now=now + timedelta(seconds=45 + 300))
    print(
        f"  {'cool-down cycle (bulk resolutions)':34s} {seconds:6.2f} s  transitions={report.transitions}"
    )
    print(f"  alerts: {Alert.objects.filter(state='firing').count()} firing, "
          f"{Alert.objects.filter(state='resolved').count()} resolved")  # fmt: skip


def bench_detection(args, now: datetime) -> None:
    from alerts.models import DetectorState
    from alerts.services.detection import detection_run

    series = make_series("bench.watched", args.watched, watch=True)
    ids = [s.pk for s in series]
    rng = np.random.default_rng(1)
    noise = rng.normal(0, 0.5, size=(len(ids), 366))
    start = int(now.timestamp()) - 3600
    wave = lambda i, k: 50 + 10 * np.sin((start + k * STEP_S) / 3000 + i) + noise[i, k]  # noqa: E731
    copy_points(ids, start, 360, wave)
    print(f"detection: {len(ids)} watched series at {STEP_S} s, 1 h of history")
    cycles, total = 0, 0.0
    while DetectorState.objects.count() < len(ids):
        report, seconds = timed(detection_run, now=now)
        cycles, total = cycles + 1, total + seconds
    print(
        f"  warm-up: {cycles} cycles, {total:.1f} s in all ({total / len(ids) * 1000:.1f} ms per series, once)"
    )
    copy_points(
        ids,
        int(now.timestamp()) + 1,
        6,
        lambda i, k: wave(i, 360 + k) + (30 if i % 100 == 0 and k == 3 else 0),
    )
    report, seconds = timed(detection_run, now=now + timedelta(seconds=60))
    print(f"  steady cycle: {seconds:.2f} s for {report.points} new points of {report.series} series, "
          f"{report.anomalies} anomalies (target < 60 s)")  # fmt: skip


def main() -> None:
    args = parse()
    recreate_database(args.database_url)
    setup_django(args.database_url)
    now = datetime.now(UTC).replace(microsecond=0)
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs")
    bench_evaluation(args, now)
    bench_detection(args, now)


if __name__ == "__main__":
    main()
