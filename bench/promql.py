"""PromQL latency: Hydra's ``/prometheus/api/v1/query_range`` against Prometheus 2.42's own
HTTP API on the same samples, same run.

Usage (from the repository root; PostgreSQL at 127.0.0.1:5432, Redis at 127.0.0.1:6379,
Debian's ``prometheus`` and ``promtool``)::

    .venv/bin/python bench/promql.py [--hours 24] [--runs 20] [--json out.json]

Data (24 h at a 15 s scrape interval, ending now): node_cpu_seconds_total of 2 instances ×
4 CPUs × 8 modes (counters), a classic histogram ``http_request_duration_seconds_bucket``
(4 handlers × 11 buckets), and a gauge with 1,000 series over the last hour. The same
samples are backfilled into a fresh Prometheus (``promtool tsdb create-blocks-from
openmetrics``) and remote-written to Hydra (``/api/v1/write``, full mode: a fresh bench
database, one daphne). Each query runs ``--runs`` times per system, alternating, after one
warm-up; the figure is the median wall time of the HTTP call (client side), and the
ratio is Hydra / Prometheus. Steps are Grafana's defaults for a ~1,000-pixel panel with a
15 s scrape interval: 15 s for 1 h, 60 s for 24 h. Every answer is checked to be the same
series with the same number of points on both.
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

import httpx
import numpy as np
from _prometheus import prometheus, remote_write  # noqa: E402  (bench/ on sys.path)
from _server import admin_dsn, database_drop, free_port, machine_info, manage, web_start, web_stop
from ingest import prepare, server_env

STEP_MS = 15_000
CPU_MODES = ("idle", "user", "system", "iowait", "irq", "softirq", "steal", "nice")
LE = ("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf")
HIST = "http_request_duration_seconds_bucket"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument(
        "--database-url", default="postgres://postgres:postgres@127.0.0.1:5432/hydra_bench_promql"
    )
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/2")
    p.add_argument("--hours", type=int, default=24)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--keep", action="store_true", help="keep the bench database")
    p.add_argument(
        "--compact",
        action="store_true",
        help="run compact_points after loading (all but the last HYDRA_HOT_WINDOW compressed)",
    )
    p.add_argument("--json", type=Path)
    return p.parse_args()


def dataset(hours: int, end_ms: int) -> list[tuple[dict, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(7)
    ts = np.arange(end_ms - hours * 3_600_000, end_ms + 1, STEP_MS, dtype=np.int64)
    out = []
    for instance in ("web-1:9100", "web-2:9100"):
        for cpu in range(4):
            for mode in CPU_MODES:
                rate = rng.uniform(0.001, 0.9)
                values = np.cumsum(rng.uniform(0, 2 * rate * 15, len(ts))).round(2)
                labels = {"__name__": "node_cpu_seconds_total", "instance": instance,
                          "job": "node", "cpu": str(cpu), "mode": mode}  # fmt: skip
                out.append((labels, ts, values))
    for handler in ("/", "/api", "/login", "/static"):
        increments = rng.poisson(20, (len(ts), len(LE))).cumsum(axis=1)  # cumulative over le
        counts = increments.cumsum(axis=0).astype(np.float64)
        for j, le in enumerate(LE):
            labels = {"__name__": HIST, "handler": handler, "le": le, "job": "api"}
            out.append((labels, ts, counts[:, j]))
    recent = ts[ts >= end_ms - 3_600_000]
    for i in range(1000):
        labels = {"__name__": "bench_gauge", "series": f"{i:04d}", "job": "bench"}
        out.append((labels, recent, rng.normal(50, 10, len(recent)).round(3)))
    return out


def queries(end_s: int) -> list[tuple[str, str, int, int]]:
    """(label, query, range seconds, step seconds)."""
    cpu = "sum by (mode) (rate(node_cpu_seconds_total[5m]))"
    hist = f"histogram_quantile(0.9, sum by (le) (rate({HIST}[5m])))"
    return [
        ("sum by (mode) (rate(cpu[5m])), 1 h", cpu, 3600, 15),
        ("sum by (mode) (rate(cpu[5m])), 24 h", cpu, 86400, 60),
        ("histogram_quantile(0.9, …), 1 h", hist, 3600, 15),
        ("histogram_quantile(0.9, …), 24 h", hist, 86400, 60),
        ("selector over 1,000 series, 1 h", 'bench_gauge{job="bench"}', 3600, 15),
    ]


def timed(client: httpx.Client, url: str, params: dict, headers: dict) -> tuple[float, dict]:
    started = time.perf_counter()
    response = client.get(url, params=params, headers=headers)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}: {response.text[:500]}")
    return elapsed, response.json()["data"]


def shape(data: dict) -> list[tuple]:
    return sorted((tuple(sorted(s["metric"].items())), len(s["values"])) for s in data["result"])


def measure(prom: httpx.Client, hydra: httpx.Client, token: str, end_s: int, runs: int) -> list:
    rows = []
    auth = {"Authorization": f"Bearer {token}"}
    for label, query, seconds, step in queries(end_s):
        params = {"query": query, "start": end_s - seconds, "end": end_s, "step": step}
        a = ("/api/v1/query_range", prom, {})
        b = ("/prometheus/api/v1/query_range", hydra, auth)
        _, theirs = timed(a[1], a[0], params, a[2])  # warm-up, and the answers must agree
        _, ours = timed(b[1], b[0], params, b[2])
        if shape(theirs) != shape(ours):
            raise SystemExit(f"{label}: Hydra's answer differs from Prometheus's")
        times: dict[str, list[float]] = {"prometheus": [], "hydra": []}
        for i in range(runs):
            order = (
                (("prometheus", a), ("hydra", b))
                if i % 2 == 0
                else (("hydra", b), ("prometheus", a))
            )
            for name, (path, client, headers) in order:
                times[name].append(timed(client, path, params, headers)[0])
        p50 = {k: statistics.median(v) * 1000 for k, v in times.items()}
        rows.append({"query": label, "series": len(ours["result"]),
                     "points": sum(len(s["values"]) for s in ours["result"]),
                     "prometheus_ms": p50["prometheus"], "hydra_ms": p50["hydra"],
                     "ratio": p50["hydra"] / p50["prometheus"]})  # fmt: skip
        print(f"  {label}: Prometheus {p50['prometheus']:.1f} ms, Hydra {p50['hydra']:.1f} ms, "
              f"ratio {p50['hydra'] / p50['prometheus']:.2f}x", flush=True)  # fmt: skip
    return rows


def load_hydra(port: int, token: str, series: list) -> float:
    started = time.monotonic()
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300, headers=headers) as c:
        remote_write(c, series, batch_ms=600_000)  # under HYDRA_INGEST_MAX_POINTS
    return time.monotonic() - started


def run(args) -> dict:
    end_ms = int(time.time()) // 60 * 60_000
    series = dataset(args.hours, end_ms)
    samples = sum(len(ts) for _, ts, _ in series)
    print(f"{len(series)} series, {samples:,} samples", flush=True)
    data_dir = tempfile.mkdtemp(prefix="hydra-bench-promql-")
    env = server_env(argparse.Namespace(**vars(args)), data_dir)
    token = prepare(args, env)
    web = web_start(env, free_port(), Path(data_dir))
    try:
        print(f"remote write to Hydra: {load_hydra(web.port, token, series):.0f} s", flush=True)
        if args.compact:
            started = time.monotonic()
            manage(env, "compact_points")
            print(f"compact_points: {time.monotonic() - started:.0f} s", flush=True)
        with (
            prometheus(series, free_port()) as prom,
            httpx.Client(base_url=f"http://127.0.0.1:{web.port}", timeout=300) as hydra,
        ):
            rows = measure(prom, hydra, token, end_ms // 1000, args.runs)
    finally:
        web_stop(web)
    return {"series": len(series), "samples": samples, "queries": rows}


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = parse_args()
    machine = machine_info(admin_dsn(args.database_url)[0])
    try:
        report = run(args)
    finally:
        if not args.keep:
            database_drop(args.database_url)
    report["machine"] = {**machine, "load_at_end": os.getloadavg()}
    print("\n| query | series × points | Prometheus p50 | Hydra p50 | Hydra / Prometheus |")
    print("|---|---|---|---|---|")
    for r in report["queries"]:
        print(f"| {r['query']} | {r['series']} × {r['points'] // max(r['series'], 1)} | "
              f"{r['prometheus_ms']:.1f} ms | {r['hydra_ms']:.1f} ms | {r['ratio']:.2f}× |")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
