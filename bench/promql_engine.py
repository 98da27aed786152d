"""PromQL engine latency on synthetic in-memory data (the production engine, no database).

Usage (from the repository root)::

    .venv/bin/python bench/promql_engine.py [--repeat 20]

Data, 24 h at a 15 s scrape interval ending at ``END``:

- ``node_cpu_seconds_total``: 2 hosts × 8 CPUs × 8 modes = 128 counters (a few resets);
- ``http_request_duration_seconds_bucket``: a 10-bucket histogram (le up to +Inf) over
  20 instances = 200 counters;
- ``node_filesystem_avail_bytes``: 1,000 gauges (for a selector over 1,000 series).

Queries run as range queries at Grafana's default steps for a ~1,400-px panel (1 h → 15 s,
241 steps; 24 h → 60 s, 1,441 steps). Prints the median and p90 of ``--repeat`` runs after
one warm-up — wall time, and the process's CPU time (less sensitive to other load on a
shared machine) — with the load average. Each run is the range query plus the JSON text of
the API's ``data`` object (``QueryResult.json()``), as the HTTP API serves it.

``--prometheus`` also backfills the same samples into a Prometheus 2.42 started here
(``promtool tsdb create-blocks-from openmetrics``; a few minutes) and times each query
through its HTTP API, printing the ratio Hydra / Prometheus (Hydra in-process, without
HTTP: an HTTP layer adds its own cost). The comparison against a live Prometheus is a separate benchmark.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _prometheus import prometheus  # noqa: E402  (bench/ is on sys.path as a script)

from prom.promql import Engine, MemoryStorage  # noqa: E402

END_MS = 1_700_000_000_000 // 60_000 * 60_000
SCRAPE_MS = 15_000
DAY_MS = 86_400_000
MODES = ["idle", "user", "system", "iowait", "irq", "softirq", "steal", "nice"]
BUCKETS = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"]
QUERIES = {
    "sum by (mode) (rate(cpu[5m]))": "sum by (mode) (rate(node_cpu_seconds_total[5m]))",
    "histogram_quantile(0.9, sum by (le) (rate(bucket[5m])))": (
        "histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"
    ),
    "histogram_quantile(0.9, rate(bucket[5m]))": (
        "histogram_quantile(0.9, rate(http_request_duration_seconds_bucket[5m]))"
    ),
    "selector over 1,000 series": "node_filesystem_avail_bytes",
}
RANGES = {"1h": (3_600_000, 15_000), "24h": (DAY_MS, 60_000)}


def _timestamps() -> np.ndarray:
    return np.arange(END_MS - DAY_MS - 600_000, END_MS + 1, SCRAPE_MS, dtype=np.int64)


def _counter(rng: np.random.Generator, n: int, rate: float, resets: int) -> np.ndarray:
    values = np.cumsum(rng.exponential(rate * SCRAPE_MS / 1000, n))
    for at in rng.integers(1, n, resets):
        values[at:] -= values[at - 1]
    return values


def build_series(seed: int = 1) -> list[tuple[dict, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    ts = _timestamps()
    out = []
    for host in ("web-1", "web-2"):
        for cpu in range(8):
            for mode in MODES:
                labels = {"__name__": "node_cpu_seconds_total", "instance": host,
                          "cpu": str(cpu), "mode": mode}  # fmt: skip
                out.append((labels, ts, np.round(_counter(rng, len(ts), 0.1, 1), 2)))
    for i in range(20):
        base = _counter(rng, len(ts), 5.0, 0)
        for k, le in enumerate(BUCKETS):
            share = min(1.0, (k + 1) / len(BUCKETS) + 0.05)
            labels = {"__name__": "http_request_duration_seconds_bucket",
                      "instance": f"app-{i}", "le": le}  # fmt: skip
            out.append((labels, ts, np.floor(base * share)))
    for i in range(1000):
        labels = {"__name__": "node_filesystem_avail_bytes", "instance": f"node-{i // 4}",
                  "mountpoint": f"/mnt/{i % 4}"}  # fmt: skip
        out.append((labels, ts, np.round(1e11 + rng.normal(0, 1e8, len(ts)).cumsum())))
    return out


def build_storage(series: list) -> MemoryStorage:
    store = MemoryStorage()
    for labels, ts, values in series:
        store.add(labels, ts, values)
    return store


def measure(engine: Engine, query: str, span_ms: int, step_ms: int, repeat: int):
    """Wall and CPU milliseconds of each run: evaluation plus the API's JSON text."""
    engine.range_query(query, END_MS - span_ms, END_MS, step_ms).json()  # warm-up
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        engine.range_query(query, END_MS - span_ms, END_MS, step_ms).json()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return sorted(wall), sorted(cpu)


def measure_prometheus(client, query: str, span_ms: int, step_ms: int, repeat: int) -> list[float]:
    """Wall milliseconds of /api/v1/query_range until the whole body has arrived."""
    params = {"query": query, "start": (END_MS - span_ms) / 1000, "end": END_MS / 1000,
              "step": step_ms / 1000}  # fmt: skip
    client.get("/api/v1/query_range", params=params).raise_for_status()  # warm-up
    wall = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        client.get("/api/v1/query_range", params=params).raise_for_status()
        wall.append((time.perf_counter() - t0) * 1000)
    return sorted(wall)


def report(engine: Engine, client, repeat: int) -> None:
    head = (
        f"{'query':56s} {'range':>5s} {'steps':>5s} {'median ms':>9s} {'p90 ms':>7s} {'cpu ms':>7s}"
    )
    print(head + ("  Prometheus ms  ratio" if client else ""))
    for label, query in QUERIES.items():
        for name, (span, step) in RANGES.items():
            wall, cpu = measure(engine, query, span, step, repeat)
            p90 = wall[int(0.9 * (len(wall) - 1))]
            med, cpu_med = statistics.median(wall), statistics.median(cpu)
            line = (
                f"{label:56s} {name:>5s} {span // step + 1:5d} {med:9.1f} {p90:7.1f} {cpu_med:7.1f}"
            )
            if client:
                ref = statistics.median(measure_prometheus(client, query, span, step, repeat))
                line += f"  {ref:13.1f} {med / ref:6.2f}x"
            print(line, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--prometheus", action="store_true", help="also time Prometheus 2.42")
    parser.add_argument("--port", type=int, default=19091)
    args = parser.parse_args()
    series = build_series()
    engine = Engine(build_storage(series))
    samples = sum(len(ts) for _, ts, _ in series)
    print(f"{samples:,} samples in memory; load average {os.getloadavg()[0]:.2f}")
    if args.prometheus:
        with prometheus(series, args.port) as client:
            print(f"Prometheus 2.42 ready (backfilled); load average {os.getloadavg()[0]:.2f}")
            report(engine, client, args.repeat)
    else:
        report(engine, None, args.repeat)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
