"""Hydra vs InfluxDB 1.6 vs VictoriaMetrics in one run (issue 17, "Measure"): ingest rates
against a raw binary COPY, and bytes per point on disk after compaction.

Usage (from the repository root; PostgreSQL at 127.0.0.1:5432 user postgres, Redis at
127.0.0.1:6379, and ``apt-get install influxdb victoria-metrics``)::

    .venv/bin/python bench/storage_compare.py [--redis-url redis://127.0.0.1:6379/0]
        [--series 1000] [--points 10000] [--ingest-series 1000] [--ingest-points 1000]
        [--batch 5000] [--concurrency 2] [--rounds 1] [--skip-ingest] [--skip-storage]
        [--json out.json]

Method, in one invocation, one system at a time (ingestion first):

1. ingest, bench/ingest.py's phases: a recreated database (``--ingest-url``), one daphne
   in full mode, ``--ingest-series`` × ``--ingest-points`` points (1M) in agent batches of
   ``--batch`` points (1,000 series × 5 timestamps) sent over ``--concurrency`` keep-alive
   connections: compact JSON, then line protocol; a raw binary COPY of the same batches
   into a table with ``metrics_point``'s primary key ``(series_id, ts)``, over as many
   connections, one commit per batch; then the line-protocol bodies, byte for byte, into
   a fresh InfluxDB (``/write?db=bench&precision=s``) and a fresh VictoriaMetrics (its
   InfluxDB endpoint ``/write?precision=s``). Every system's stored count is checked.
   ``--rounds N`` repeats all of it (fresh database, fresh programs) N times.
2. storage: bench/storage.py's ``measure`` without its queries on ``--storage-url``
   (``--series`` × ``--points`` CPU-like points plus one 30-day series, COPY, rollups,
   ``compact_points``, VACUUM and VACUUM FULL, every ``metrics_*`` table); then the same
   points (``storage.dataset``) as line protocol, 5,000 lines of one series per request
   over 2 connections, into a fresh InfluxDB and a fresh VictoriaMetrics, each flushed and
   compacted (bench/_tsdbs.py says how) and its whole data directory measured as ``du``
   does (allocated blocks, WAL included: it is empty by then).

Durability differs: Hydra and the COPY commit each batch (PostgreSQL's
``synchronous_commit`` is printed), InfluxDB 1.6 fsyncs its WAL before it answers,
VictoriaMetrics answers once the rows are in its memory buffers (on disk a few seconds
later).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import ingest
import psycopg
import storage
from _server import admin_dsn, database_drop, free_port, machine_info, web_start, web_stop
from _storage_data import US
from _tsdbs import KINDS, Influx, Victoria, disk_usage, running, version

PG = "postgres://postgres:postgres@127.0.0.1:5432/"
LINES = {"Content-Type": "text/plain; charset=utf-8"}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--storage-url", default=PG + "hydra_cmp_storage")
    p.add_argument("--ingest-url", default=PG + "hydra_cmp_ingest")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    p.add_argument("--series", type=int, default=1_000, help="storage: series")
    p.add_argument("--points", type=int, default=10_000, help="storage: points per series")
    p.add_argument("--ingest-series", type=int, default=1_000)
    p.add_argument("--ingest-points", type=int, default=1_000)
    p.add_argument("--batch", type=int, default=5_000, help="ingest: points per request")
    p.add_argument("--concurrency", type=int, default=2, help="ingest: connections")
    p.add_argument("--rounds", type=int, default=1, help="ingest: every phase, N times")
    p.add_argument("--skip-ingest", action="store_true")
    p.add_argument("--skip-storage", action="store_true")
    p.add_argument("--json", type=Path)
    return p.parse_args()


def label(kind: type[Influx] | type[Victoria]) -> str:
    return f"{kind.name} {version(kind.package)}"


# --------------------------------------------------------------------------- ingest


def hydra_ingest(args: argparse.Namespace, grid: ingest.Grid) -> tuple[list, list[bytes]]:
    """Hydra's JSON and line-protocol phases, then the raw COPY; and the line bodies."""
    ns = argparse.Namespace(database_url=args.ingest_url, redis_url=args.redis_url,
                            series=args.ingest_series, points=args.ingest_points,
                            batch=args.batch, concurrency=args.concurrency)  # fmt: skip
    wanted = ("bench.json_agent", "bench_lp.value")
    specs = [(s, b) for s, b in ingest.ingest_specs(ns, grid) if s["name"] in wanted]
    rects = ingest.rectangles(ns.series, ns.points, ns.batch, agent=True)
    payloads = ingest.raw_payloads(grid, rects)
    with tempfile.TemporaryDirectory(prefix="hydra-compare-") as data_dir:
        env = ingest.server_env(ns, data_dir)
        try:
            token = ingest.prepare(ns, env)
            web = web_start(env, free_port(), Path(data_dir))
            try:
                server = ingest.Server(web.port, token, ns.database_url, web.daphne_ports)
                ingest.warm_up(server)
                phases = [ingest.http_phase(server, spec, bodies, ns) for spec, bodies in specs]
            finally:
                web_stop(web)
            print("raw binary COPY…", flush=True)
            points = ns.series * ns.points
            phases.append(ingest.raw_copy_phase(ns.database_url, payloads, points, ns.concurrency))
        finally:
            database_drop(ns.database_url)
    return phases, specs[-1][1]


def tsdb_ingest(kind, bodies: list[bytes], grid: ingest.Grid, clients: int) -> ingest.Phase:
    points = grid.series * grid.points
    with running(kind) as (db, client):
        sent = ingest.send_all(db.port, db.write_path, LINES, bodies, clients)
        ingest.check_sent(sent, 204, db.name)
        ts = grid.timestamps()
        stored = db.count(client, "bench_lp", int(ts[0]), int(ts[-1]))
    if stored != points:
        raise SystemExit(f"{db.name}: sent {points}, stored {stored}")
    name = f"{label(kind)}, same line-protocol bodies"
    return ingest.Phase(name, points, len(bodies), sent.seconds, stored, points, target=False)


def ingest_part(args: argparse.Namespace) -> list[ingest.Phase]:
    grid = ingest.Grid(args.ingest_series, args.ingest_points, int(time.time()) - 60, seed=1)
    print("Hydra ingest (JSON, line protocol)…", flush=True)
    phases, bodies = hydra_ingest(args, grid)
    for kind in KINDS:
        print(f"{kind.name} ingest…", flush=True)
        phases.append(tsdb_ingest(kind, bodies, grid, args.concurrency))
    return phases


def ingest_table(rounds: list[list[ingest.Phase]]) -> list[str]:
    """Rates per round, and the median over rounds of the ratio within each round (a round's
    phases run back to back; the load of a shared machine changes more between rounds)."""
    rows = ["| path | points/s, each round | Hydra JSON ÷ this | Hydra line protocol ÷ this |",
            "|---|---:|---:|---:|"]  # fmt: skip
    for i, p in enumerate(rounds[0]):
        rates = " / ".join(f"{r[i].rate / 1000:,.0f}k" for r in rounds)
        ratios = [statistics.median(r[h].rate / r[i].rate for r in rounds) for h in (0, 1)]
        rows.append(f"| {p.label} | {rates} | {ratios[0]:.2f}× | {ratios[1]:.2f}× |")
    return rows


# --------------------------------------------------------------------------- storage


def tsdb_storage(kind, series: int, points: int) -> dict:
    """The storage bench's points into a fresh ``kind``, compacted; its disk usage."""
    spans = []
    with running(kind) as (db, client):
        started = time.perf_counter()
        for name, hosts, ts_us, values in storage.dataset(series, points, storage.data_end_us()):
            ts = ts_us // US
            rects = [(s, s + 1, j, min(j + 5_000, len(ts)))
                     for s in range(len(hosts)) for j in range(0, len(ts), 5_000)]  # fmt: skip
            measurement = name.replace(".", "_")
            bodies = [ingest.line_body(measurement, hosts, ts, values, r) for r in rects]
            ingest.check_sent(ingest.send_all(db.port, db.write_path, LINES, bodies, 2), 204, name)
            spans.append((int(ts[0]), int(ts[-1])))
        load_s = time.perf_counter() - started
        db.settle(client)
        settle_s = time.perf_counter() - started - load_s
        first, last = min(a for a, _ in spans), max(b for _, b in spans)
        stored = sum(db.count(client, m, first, last) for m in ("cpu_usage", "cpu_long"))
        parts, note = disk_usage(db), db.note(client)
    return {"system": label(kind), "stored": stored, "bytes": parts, "note": note,
            "load_s": load_s, "settle_s": settle_s}  # fmt: skip


def storage_part(args: argparse.Namespace) -> dict:
    print("Hydra storage (bench/storage.py without its queries)…", flush=True)
    hydra = storage.measure(args.storage_url, args.series, args.points, queries=False)
    database_drop(args.storage_url)
    others = []
    for kind in KINDS:
        print(f"{kind.name} storage…", flush=True)
        others.append(tsdb_storage(kind, args.series, args.points))
        if others[-1]["stored"] != hydra["points"]:
            raise SystemExit(f"{kind.name}: stored {others[-1]['stored']} of {hydra['points']}")
    return {"hydra": hydra, "others": others}


def parts_text(parts: dict[str, int], points: int) -> str:
    big = sorted(((b, k) for k, b in parts.items() if b >= 65_536), reverse=True)
    rest = sum(parts.values()) - sum(b for b, _ in big)
    text = [f"{k} {b / 1e6:.1f} MB ({b / points:.2f})" for b, k in big]
    return ", ".join([*text, f"rest {rest / 1e6:.2f} MB"])


def storage_table(result: dict) -> list[str]:
    hydra, n = result["hydra"], result["hydra"]["points"]
    rows = ["| system | on disk | bytes per point | of which (B/pt) |", "|---|---:|---:|---|"]
    systems = [
        ("Hydra, hot: raw table + rollups, VACUUM", hydra["hot_bytes"]),
        ("Hydra, after compaction, VACUUM", hydra["compressed_bytes"]),
        ("Hydra, after compaction, VACUUM FULL", hydra["compressed_full_bytes"]),
        *((o["system"], o["bytes"]) for o in result["others"]),
    ]
    for name, parts in systems:
        total = sum(parts.values())
        rows.append(f"| {name} | {total / 1e6:.1f} MB | {total / n:.2f} | "
                    f"{parts_text(parts, n)} |")  # fmt: skip
    for o in result["others"]:
        rows.append(f"\n{o['system']}: loaded in {o['load_s']:.0f} s ({n / o['load_s']:,.0f} "
                    f"points/s), settled in {o['settle_s']:.0f} s; {o['note']}")  # fmt: skip
    return rows


# --------------------------------------------------------------------------- main


def machine(url: str) -> dict:
    info = machine_info(admin_dsn(url)[0])
    with psycopg.connect(admin_dsn(url)[0]) as conn:
        info["synchronous_commit"] = conn.execute("SHOW synchronous_commit").fetchone()[0]
    return info


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stop the servers, drop the DBs
    args = parse_args()
    out: dict = {"machine": machine(args.ingest_url), "args": vars(args) | {"json": None}}
    out["load average"] = {"at start": os.getloadavg()}
    lines = []
    if not args.skip_ingest:
        out["ingest"] = [ingest_part(args) for _ in range(args.rounds)]
        out["load average"]["after ingest"] = os.getloadavg()
        lines += ["", "Ingest:", *ingest_table(out["ingest"])]
    if not args.skip_storage:
        out["storage"] = storage_part(args)
        lines += ["", "Storage after compaction:", *storage_table(out["storage"])]
    out["load average"]["at end"] = os.getloadavg()
    m = out["machine"]
    load = ", ".join(
        f"{k} {'/'.join(f'{x:.1f}' for x in v)}" for k, v in out["load average"].items()
    )
    print(f"\n{m['nproc']} CPUs ({m['cpu']}), PostgreSQL {m['postgresql']} "
          f"(synchronous_commit {m['synchronous_commit']}); load average {load}")  # fmt: skip
    print("\n".join(lines))
    if args.json:
        rounds = out.get("ingest", [])
        out["ingest"] = [[vars(p) | {"rate": p.rate} for p in r] for r in rounds]
        args.json.write_text(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    main()
