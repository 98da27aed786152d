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
the API's ``data`` object (``QueryResult.json()``), as the HTTP API serves it. The comparison against a live Prometheus is a separate benchmark.
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


def build_storage(seed: int = 1) -> tuple[MemoryStorage, int]:
    rng = np.random.default_rng(seed)
    ts = _timestamps()
    store = MemoryStorage()
    for host in ("web-1", "web-2"):
        for cpu in range(8):
            for mode in MODES:
                labels = {"__name__": "node_cpu_seconds_total", "instance": host,
                          "cpu": str(cpu), "mode": mode}  # fmt: skip
                store.add(labels, ts, _counter(rng, len(ts), 0.1, 1))
    for i in range(20):
        base = _counter(rng, len(ts), 5.0, 0)
        for k, le in enumerate(BUCKETS):
            share = min(1.0, (k + 1) / len(BUCKETS) + 0.05)
            labels = {"__name__": "http_request_duration_seconds_bucket",
                      "instance": f"app-{i}", "le": le}  # fmt: skip
            store.add(labels, ts, np.floor(base * share))
    for i in range(1000):
        labels = {"__name__": "node_filesystem_avail_bytes", "instance": f"node-{i // 4}",
                  "mountpoint": f"/mnt/{i % 4}"}  # fmt: skip
        store.add(labels, ts, 1e11 + rng.normal(0, 1e8, len(ts)).cumsum())
    return store, len(ts) * (128 + 200 + 1000)


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    store, samples = build_storage()
    engine = Engine(store)
    print(f"{samples:,} samples in memory; load average {os.getloadavg()[0]:.2f}")
    print(
        f"{'query':56s} {'range':>5s} {'steps':>5s} {'median ms':>9s} {'p90 ms':>7s} {'cpu ms':>7s}"
    )
    for label, query in QUERIES.items():
        for name, (span, step) in RANGES.items():
            wall, cpu = measure(engine, query, span, step, args.repeat)
            p90 = wall[int(0.9 * (len(wall) - 1))]
            med, cpu_med = statistics.median(wall), statistics.median(cpu)
            steps = span // step + 1
            print(f"{label:56s} {name:>5s} {steps:5d} {med:9.1f} {p90:7.1f} {cpu_med:7.1f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
