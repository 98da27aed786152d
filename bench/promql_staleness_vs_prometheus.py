"""Differential check of staleness: series with staleness markers sent by remote write to a
real Prometheus 2.42 and to Hydra's engine (in memory), the same queries on both.

Usage (from the repository root; needs Debian's ``prometheus``)::

    .venv/bin/python bench/promql_staleness_vs_prometheus.py [--port 19092]

One hour of samples at 15 s ending ten minutes ago: a series interrupted by a marker and
resumed, one that ends with a marker, a counter with a marker inside rate windows, and a
series without markers. Instant queries every 20 s across the markers and range queries
at three steps; answers must match as in ``promql_vs_prometheus.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _prometheus import prometheus_receiving, remote_write  # noqa: E402  (bench/ on sys.path)
from promql_vs_prometheus import _ask, _hydra, differ  # noqa: E402

from prom.promql import STALE_NAN, Engine, MemoryStorage  # noqa: E402

EXPRESSIONS = [
    "s", "s offset 2m", "s @ end()", "sum(s)", "count(s)", "s + on() vector(1)", "timestamp(s)",
    "rate(c[5m])", "increase(c[2m])", "irate(c[1m])", "changes(s[10m])", "resets(c[10m])",
    "count_over_time(s[5m])", "last_over_time(s[2m])", "max_over_time(s[1m])",
    "absent(s)", 'absent(s{k="end"})', 'absent_over_time(s{k="end"}[1m])', "present_over_time(s[1m])",
    "avg_over_time(s[5m:30s])", "max_over_time(s[3m:15s])", "s > 0", "-s", "group(s)",
]  # fmt: skip


def build(end_ms: int) -> list:
    ts = np.arange(end_ms - 3_600_000, end_ms + 1, 15_000, dtype=np.int64)
    n = len(ts)
    base = np.round(np.sin(np.arange(n) / 7) * 10, 3)
    gap = base.copy()
    gap[80] = STALE_NAN  # interrupted, resumes at the next sample
    gap_ts_keep = np.ones(n, dtype=bool)
    gap_ts_keep[81:100] = False  # ... after almost five minutes of silence
    ended = base[:161].copy()
    ended[-1] = STALE_NAN  # the series ends
    counter = np.cumsum(np.arange(n) % 5).astype(float)
    counter[120] = STALE_NAN
    return [
        ({"__name__": "s", "k": "gap"}, ts[gap_ts_keep], gap[gap_ts_keep]),
        ({"__name__": "s", "k": "end"}, ts[:161], ended),
        ({"__name__": "s", "k": "plain"}, ts, base + 1),
        ({"__name__": "c", "k": "counter"}, ts, counter),
    ]


def cases(end_s: float) -> list[tuple[str, dict]]:
    out = [("/api/v1/query", {"time": end_s - 3600 + x}) for x in range(1100, 2900, 20)]
    spans = [(end_s - 3000, end_s, 15), (end_s - 3600, end_s, 60), (end_s - 2000.5, end_s, 37)]
    return out + [("/api/v1/query_range", {"start": a, "end": b, "step": c}) for a, b, c in spans]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=19092)
    args = parser.parse_args()
    end_ms = (int(time.time()) - 600) // 15 * 15 * 1000
    series = build(end_ms)
    store = MemoryStorage()
    for labels, ts, values in series:
        store.add(labels, ts, values)
    engine, ok, total, failures = Engine(store), 0, 0, []
    with prometheus_receiving(args.port) as client:
        remote_write(client, series)
        for expr in EXPRESSIONS:
            for path, params in cases(end_ms / 1000):
                total += 1
                want, got = (
                    _ask(client, path, {"query": expr, **params}),
                    _hydra(engine, expr, params),
                )
                why = (
                    (None if want == got else f"{got} != {want}")
                    if isinstance(want, str) or isinstance(got, str)
                    else differ(want, got, False)
                )
                ok += why is None
                if why and len(failures) < 20:
                    failures.append(f"{expr} {params} -> {why}")
    for line in failures:
        print("    " + line)
    print(
        f"{len(EXPRESSIONS)} expressions, {total} queries over staleness markers: {ok} agree with Prometheus 2.42"
    )
    return 0 if ok == total else 1


if __name__ == "__main__":
    sys.exit(main())
