"""Storage benchmark (issue 17): bytes per point across every metrics table before and
after compaction, compaction throughput, and query latency hot vs compressed.

Usage (from the repository root; PostgreSQL at 127.0.0.1:5432, user postgres)::

    .venv/bin/python bench/storage.py [--series 1000] [--points 10000] [--json out.json]

Method, in one invocation:

1. recreates the database ``hydra_bench_storage`` (``--database-url``) and migrates it;
2. loads ``--series`` × ``--points`` CPU-like points (10 s apart, 2 decimals; see
   ``bench/_storage_data.py``) ending at the last 6-hour window boundary at least 2 h ago
   (so every point is older than the hot window), plus one series of 30 days at 10 s
   (259,200 points) for the long queries, by binary COPY into ``metrics_point`` with one
   pending-rollup row, then runs the rollup job (as production would have);
3. hot: VACUUM ANALYZE, sizes of every ``metrics_*`` table with its indexes and TOAST
   (``pg_total_relation_size``), and the query latencies;
4. ``manage.py compact_points --older-than 2h`` (timed: points/s; it drops the hot table's
   partitions it emptied), VACUUM ANALYZE, sizes, then VACUUM FULL and sizes again (they
   should agree: nothing is left for VACUUM FULL to return), and the latencies again.

The hot table's partitions of the loaded range are made before the load, as the
compaction job makes them ahead of time for points that arrive as they happen.

Queries are in-process (``metrics.query.timeseries.bucketed`` and
``metrics.selectors.raw_points``: no HTTP), median of 7 after a warm-up: one series × 30
days at 1 h avg; all series × 24 h at 5 min avg; one series × 7 days raw export (every
point). Targets: ≤ 2.0 bytes per point after compaction; ≤ 20 ms and ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import database_recreate, manage  # noqa: E402
from _storage_data import STEP_US, US, cpu_values  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WIDTH_US = 6 * 3600 * US
LONG_POINTS = 30 * 8_640


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--database-url",
        default="postgres://postgres:postgres@127.0.0.1:5432/hydra_bench_storage",
    )
    p.add_argument("--series", type=int, default=1_000)
    p.add_argument("--points", type=int, default=10_000)
    p.add_argument("--json")
    return p.parse_args()


def django_env(url: str) -> dict[str, str]:
    return dict(
        os.environ,
        DATABASE_URL=url,
        SECRET_KEY="bench-storage-" + os.urandom(24).hex(),
        HYDRA_DB_POOL_SIZE="0",
        HYDRA_EMBEDDED_SCHEDULER="false",
        DJANGO_SETTINGS_MODULE="hydra.settings",
    )


def data_end_us() -> int:
    """The last 6-hour window boundary at least 2 h ago: every point older than the hot window."""
    return ((int(time.time() * US) - 2 * 3600 * US) // WIDTH_US) * WIDTH_US


def dataset(
    series: int, points: int, end_us: int
) -> Iterator[tuple[str, list[str], np.ndarray, np.ndarray]]:
    """The benchmark data as (metric, hosts, timestamps µs, values [host × timestamp]) blocks
    of up to 50 series ending at ``end_us``, then the one long series (bench/storage_compare.py
    loads the same blocks into InfluxDB and VictoriaMetrics)."""
    ts = end_us - points * STEP_US + np.arange(points, dtype=np.int64) * STEP_US
    for first in range(0, series, 50):
        block = cpu_values(first, min(50, series - first), points)
        yield "cpu.usage", [f"cpu{i:05d}" for i in range(first, first + len(block))], ts, block
    long_ts = end_us - LONG_POINTS * STEP_US + np.arange(LONG_POINTS, dtype=np.int64) * STEP_US
    yield "cpu.long", ["long"], long_ts, cpu_values(10_000_000, 1, LONG_POINTS)


def series_insert(cur, name: str, hosts: list[str]) -> list[int]:
    from metrics.models import series_key

    ids = []
    for host in hosts:
        cur.execute(
            "INSERT INTO metrics_series (name, host, labels, key, type, unit, help, "
            "host_from_instance, created_at, watch) VALUES (%s, %s, '{}', %s, 'gauge', "
            "'%%', '', false, now(), false) RETURNING id",
            [name, host, series_key(name, host, {})],
        )
        ids.append(cur.fetchone()[0])
    return ids


def load(url: str, series: int, points: int, end_us: int) -> dict:
    from metrics.ingest.copyformat import copy_payload

    ids: list[int] = []
    first = end_us
    t0 = time.perf_counter()
    with psycopg.connect(url, autocommit=False) as conn, conn.cursor() as cur:
        for name, hosts, ts, values in dataset(series, points, end_us):
            sids = series_insert(cur, name, hosts)
            ids += sids
            first = min(first, int(ts[0]))
            payload = copy_payload(
                np.repeat(np.asarray(sids, dtype=np.int64), len(ts)),
                np.tile(ts, len(hosts)),
                values.ravel(),
            )
            with cur.copy(
                "COPY metrics_point (series_id, ts, value) FROM STDIN (FORMAT BINARY)"
            ) as cp:
                cp.write(payload)
        cur.execute(
            "INSERT INTO metrics_rolluppending (min_ts, max_ts, series) VALUES (%s, %s, %s)",
            [first, end_us - STEP_US, np.asarray(ids, dtype="<i8").tobytes()],
        )
        conn.commit()
    return {"ids": ids[:-1], "long": ids[-1], "copy_s": time.perf_counter() - t0}


def made_ahead(start_us: int, end_us: int) -> None:
    """The hot table's partitions of the loaded range, as the compaction job makes them
    ahead of time when points arrive as they happen (loaded afterwards, they would all
    fall to the default partition)."""
    from metrics import partitions

    for window in range(start_us // WIDTH_US * WIDTH_US, end_us, WIDTH_US):
        partitions.ensure(now_us=window)


def vacuum(url: str, full: bool = False) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (FULL, ANALYZE)" if full else "VACUUM ANALYZE")


def sizes(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class "
            "WHERE relkind = 'r' AND relname LIKE 'metrics\\_%%' ORDER BY relname"
        ).fetchall()
    out: dict[str, int] = {}
    for name, size in rows:  # the window partitions of a table counted together
        key = re.sub(r"_p[0-9]{8}_[0-9]{2}$", " (window partitions)", name)
        out[key] = out.get(key, 0) + int(size)
    return out


def timed(fn, runs: int = 7) -> tuple[float, float]:
    """Median wall and this process's CPU time (ms): on a loaded machine the wall time
    includes waiting for a core."""
    fn()
    walls, cpus = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - t0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def latencies(loaded: dict, end_us: int) -> dict[str, tuple[float, float]]:
    import orjson

    from metrics.query.json_points import _points
    from metrics.query.timeseries import Query, bucketed
    from metrics.selectors import oldest_unrolled, raw_points

    dirty = oldest_unrolled()
    one = Query([loaded["long"]], end_us - 30 * 86_400 * US, end_us, 3600 * US, "avg", dirty)
    many = Query(loaded["ids"], end_us - 86_400 * US, end_us, 300 * US, "avg", dirty)
    checks = {
        "one series x 30 d at 1 h": (lambda: bucketed(one), 720),
        "all series x 24 h at 5 min": (lambda: bucketed(many), 288),
    }
    out = {}
    for label, (fn, buckets) in checks.items():
        got = fn()
        assert got and all(0 < len(p) <= buckets for p in got.values()), label
        out[label] = timed(fn)

    def export():
        got = raw_points(
            series_ids=[loaded["long"]], start_us=end_us - 7 * 86_400 * US, end_us=end_us - 1
        )
        assert len(got[loaded["long"]][0]) == 7 * 8_640

    out["one series x 7 d raw export"] = timed(export)
    # what the query API sends: its JSON, built where the rows are (SQL on the hot tier,
    # numpy arrays on the compressed one)
    out["all series x 24 h at 5 min, the API's JSON"] = timed(
        lambda: orjson.dumps(_points(many), option=orjson.OPT_NON_STR_KEYS)
    )
    return out


def report(label: str, size: dict[str, int], points: int) -> None:
    total = sum(size.values())
    print(f"\n{label}: {total / 1e6:.1f} MB, {total / points:.2f} bytes per point")
    for name, b in size.items():
        if b > 16_384:
            print(f"  {name}: {b / 1e6:.2f} MB ({b / points:.2f} B/pt)")


def measure(url: str, series: int, points: int, queries: bool = True) -> dict:
    """Steps 1-4 of the module's method on a recreated database ``url`` (Django set up in
    this process); the figures as a dict (the ``--json`` shape)."""
    env = django_env(url)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    database_recreate(url)
    manage(env, "migrate", "--no-input")
    import django

    django.setup()
    from django.db import connection

    from metrics.rollups import rollups_update

    end_us = data_end_us()
    made_ahead(end_us - LONG_POINTS * STEP_US, end_us)
    loaded = load(url, series, points, end_us)
    t0 = time.perf_counter()
    while rollups_update():
        pass
    out: dict = {"points": series * points + LONG_POINTS, "copy_s": loaded["copy_s"]}
    out["rollup_s"] = time.perf_counter() - t0
    vacuum(url)
    out["hot_bytes"] = sizes(url)
    out["hot_ms"] = latencies(loaded, end_us) if queries else {}
    t0 = time.perf_counter()
    out["compaction"] = manage(env, "compact_points", "--older-than", "2h").strip()
    out["compact_s"] = time.perf_counter() - t0
    vacuum(url)
    out["compressed_bytes"] = sizes(url)
    vacuum(url, full=True)  # freed pages returned (the hot table's indexes)
    out["compressed_full_bytes"] = sizes(url)
    connection.close()
    out["compressed_ms"] = latencies(loaded, end_us) if queries else {}
    return out


def print_report(r: dict, series: int, points: int) -> None:
    total = r["points"]
    print(
        f"{total:,} points ({series} series x {points} + 1 x {LONG_POINTS}); "
        f"COPY {r['copy_s']:.1f} s, rollups {r['rollup_s']:.1f} s"
    )
    report("hot (raw table + rollups)", r["hot_bytes"], total)
    report("after compaction, VACUUM", r["compressed_bytes"], total)
    report("after compaction, VACUUM FULL", r["compressed_full_bytes"], total)
    print(f"\ncompaction: {r['compaction']} (wall incl. Django start-up {r['compact_s']:.1f} s)")
    print("\n| query | hot wall / Python CPU (ms) | compressed wall / Python CPU (ms) |")
    print("|---|---:|---:|")
    for label, (hw, hc) in r["hot_ms"].items():
        cw, cc = r["compressed_ms"][label]
        print(f"| {label} | {hw:.1f} / {hc:.1f} | {cw:.1f} / {cc:.1f} |")
    print(f"\nload average: {os.getloadavg()}")


def main() -> None:
    args = parse_args()
    result = measure(args.database_url, args.series, args.points)
    print_report(result, args.series, args.points)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
