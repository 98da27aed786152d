"""Steady ingestion load, as issue 12's probe ran it: N clients, 5,000-point JSON batches.

    .venv/bin/python bench/probe_load.py [--seconds 120] [--clients 4] [--batch 5000]

Recreates the database ``hydra_probe`` (or ``--database-url``), migrates it, makes a user
and a token, starts daphne as ``make run`` does in full mode (``python -m hydra.serve``,
PostgreSQL + Redis) and has ``--clients`` threads, each on one keep-alive connection, send
JSON batches of ``--batch`` points (new timestamps every batch, so nothing is overwritten)
for ``--seconds``. Reports points/s, requests, errors (any non-201 or a broken
connection), p50/p99 request latency, daphne's RSS after the warm-up and at the end, and
checks that every acknowledged point is stored. The database is dropped at the end
(``--keep`` keeps it). The issue's reference: 219k points/s, 0 errors, p99 228 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import orjson
import psycopg
from _server import (  # noqa: E402,I001  (bench/ is on sys.path when run as a script)
    HOST,
    admin_dsn,
    database_drop,
    database_recreate,
    free_port,
    machine_info,
    manage,
    web_start,
    web_stop,
)
from ingest import server_env  # noqa: E402

SERIES_PER_BATCH = 100


@dataclass
class Client:
    """One load client's tally."""

    latencies: list[float] = field(default_factory=list)
    points: int = 0
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument(
        "--database-url", default="postgres://postgres:postgres@127.0.0.1:5432/hydra_probe"
    )
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    p.add_argument("--clients", type=int, default=4)
    p.add_argument("--batch", type=int, default=5_000, help="points per request")
    p.add_argument("--seconds", type=float, default=120.0, help="length of the load")
    p.add_argument("--keep", action="store_true", help="keep the database")
    p.add_argument("--json", type=Path, help="write the results here")
    return p.parse_args()


def body(client: int, k: int, batch: int, t0: int) -> bytes:
    """Batch ``k`` of ``client``: SERIES_PER_BATCH series of its own, new timestamps."""
    per = batch // SERIES_PER_BATCH
    start = t0 + k * per
    ts = list(range(start, start + per))
    values = np.round(np.random.default_rng(k).uniform(0, 100, per), 3).tolist()
    points = [[t, v] for t, v in zip(ts, values, strict=True)]
    series = [
        {"name": "probe.load", "host": f"c{client}-h{s:03d}", "points": points}
        for s in range(SERIES_PER_BATCH)
    ]
    return orjson.dumps({"series": series})


def load(client: int, port: int, token: str, args, t0: int, stop_at: float, out: Client):
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    k = 0
    payload = body(client, k, args.batch, t0)
    while time.monotonic() < stop_at:
        started = time.perf_counter()
        try:
            conn.request("POST", "/api/v1/metrics/", payload, headers)
            response = conn.getresponse()
            response.read()
            status = str(response.status)
        except (OSError, http.client.HTTPException):
            status = "conn"
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
        out.latencies.append(time.perf_counter() - started)
        out.statuses[status] = out.statuses.get(status, 0) + 1
        if status == "201":
            out.points += args.batch // SERIES_PER_BATCH * SERIES_PER_BATCH
            k += 1
            payload = body(client, k, args.batch, t0)
        else:
            out.errors += 1
    conn.close()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stored_points(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM metrics_point p JOIN metrics_series s ON s.id = p.series_id"
            " WHERE s.name = 'probe.load'"
        ).fetchone()
    return int(row[0]) if row else 0


def run(args) -> dict:
    data_dir = tempfile.mkdtemp(prefix="hydra-probe-")
    env = server_env(args, data_dir)
    database_recreate(args.database_url)
    manage(env, "migrate", "--noinput")
    manage(env, "ensure_admin")
    token = manage(env, "create_api_token", "bench", "--name", "probe").strip().splitlines()[-1]
    web = web_start(env, free_port(), Path(data_dir))
    try:
        return measure(args, web, token)
    finally:
        web_stop(web)


def measure(args, web, token: str) -> dict:
    pid = web.procs[0].pid
    t0 = int(time.time()) - 20 * 86400  # inside the 30-day raw retention, far from "now"
    warm = Client()
    load(99, web.port, token, args, t0, time.monotonic() + 3, warm)
    rss_start = rss_mb(pid)
    clients = [Client() for _ in range(args.clients)]
    stop_at = time.monotonic() + args.seconds
    started = time.monotonic()
    threads = [
        threading.Thread(target=load, args=(i, web.port, token, args, t0, stop_at, c))
        for i, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies = np.array([x for c in clients for x in c.latencies]) * 1000
    acknowledged = sum(c.points for c in clients) + warm.points
    statuses: dict[str, int] = {}
    for c in clients:
        for code, n in c.statuses.items():
            statuses[code] = statuses.get(code, 0) + n
    return {
        "clients": args.clients,
        "batch": args.batch,
        "seconds": round(elapsed, 1),
        "requests": int(len(latencies)),
        "points_per_s": round(sum(c.points for c in clients) / elapsed),
        "errors": sum(c.errors for c in clients),
        "statuses": statuses,
        "p50_ms": round(float(np.percentile(latencies, 50)), 1) if len(latencies) else None,
        "p99_ms": round(float(np.percentile(latencies, 99)), 1) if len(latencies) else None,
        "daphne_rss_mb_start": round(rss_start, 1),
        "daphne_rss_mb_end": round(rss_mb(pid), 1),
        "acknowledged_points": acknowledged,
        "stored_points": stored_points(args.database_url),
    }


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stop daphne, drop the DB
    args = parse_args()
    machine = machine_info(admin_dsn(args.database_url)[0])
    try:
        result = run(args)
    finally:
        if not args.keep:
            database_drop(args.database_url)
    result["machine"] = machine
    result["load_at_end"] = os.getloadavg()
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    if args.json:
        args.json.write_text(json.dumps({"result": result, "args": vars(args)}, default=str))
    if result["stored_points"] != result["acknowledged_points"]:
        raise SystemExit("acknowledged points are missing from the database")


if __name__ == "__main__":
    main()
