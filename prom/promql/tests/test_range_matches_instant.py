"""Every step of a range query must equal an instant query at that time: the engine computes
all steps at once, Prometheus one by one. Random data with gaps, resets, NaN and stale markers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from prom.promql import STALE_NAN, Engine, MemoryStorage

QUERIES = [
    "m",
    "m offset 1m",
    "m @ 500",
    "rate(m[2m])",
    "increase(m[90s])",
    "delta(g[3m])",
    "irate(m[2m])",
    "idelta(g[2m])",
    "deriv(g[4m])",
    "predict_linear(g[4m], 600)",
    "resets(m[5m])",
    "changes(g[5m])",
    "holt_winters(g[5m], 0.3, 0.6)",
    "avg_over_time(g[3m])",
    "sum_over_time(g[3m])",
    "min_over_time(g[3m])",
    "max_over_time(g[3m])",
    "count_over_time(g[3m])",
    "last_over_time(g[3m])",
    "stddev_over_time(g[3m])",
    "stdvar_over_time(g[3m])",
    "quantile_over_time(0.7, g[3m])",
    "present_over_time(g[1m])",
    "absent_over_time(g[1m])",
    "sum by (job) (rate(m[2m]))",
    "avg without (i) (g)",
    "max by (job) (g)",
    "min(g)",
    "count by (job) (g)",
    "group by (job) (g)",
    "stddev by (job) (g)",
    "stdvar(g)",
    "topk(2, g)",
    "bottomk by (job) (1, g)",
    "quantile by (job) (0.25, g)",
    'count_values("v", round(g))',
    "histogram_quantile(0.9, sum by (le) (rate(h[3m])))",
    "g * on(i) group_left(job) m",
    "g > bool 0",
    "g > 0",
    "g and m",
    "g unless on(job) m > 50",
    "m or g",
    "-g",
    "abs(g) + ceil(g) - floor(g)",
    "round(g, 0.5)",
    "clamp(g, -1, 1)",
    "sqrt(abs(g)) * exp(g / 100) / ln(abs(g) + 2)",
    "timestamp(m)",
    "timestamp(-m)",
    "scalar(sum(g)) * g",
    "vector(time())",
    "hour() + minute() + day_of_week()",
    "absent(nothing)",
    "absent(g)",
    'label_replace(g, "x", "$1", "i", "(.)")',
    'label_join(g, "x", "-", "i", "job")',
    "sort(g)",
    "max_over_time(rate(m[1m])[5m:30s])",
    "avg_over_time(g[5m:1m] offset 30s)",
    "sum_over_time(g[2m:20s] @ 400)",
]


def _storage(seed: int = 11) -> MemoryStorage:
    rng = np.random.default_rng(seed)
    store = MemoryStorage()
    ts = np.arange(0, 1200_000, 15_000)
    for i in range(4):
        job = "a" if i < 2 else "b"
        keep = rng.random(len(ts)) > 0.15  # gaps
        counter = np.cumsum(rng.exponential(3, len(ts)))
        counter[40:] -= counter[39]  # a reset
        store.add({"__name__": "m", "i": str(i), "job": job}, ts[keep], counter[keep])
        gauge = rng.normal(0, 5, len(ts))
        gauge[rng.integers(0, len(ts), 3)] = math.nan
        gauge[50] = STALE_NAN
        store.add({"__name__": "g", "i": str(i), "job": job}, ts[keep], gauge[keep])
    for le in ("0.1", "0.5", "1", "+Inf"):
        base = np.cumsum(rng.exponential(4, len(ts)))
        store.add({"__name__": "h", "le": le}, ts, np.floor(base * min(1.0, float(le) + 0.3)))
    return store


ENGINE = Engine(_storage())


def _samples(result: list, key: str) -> dict:
    return {tuple(sorted(s["metric"].items())): s[key] for s in result}


def _close(a: str, b: str) -> bool:
    x, y = float(a), float(b)
    return (math.isnan(x) and math.isnan(y)) or x == y or abs(x - y) <= 1e-9 * max(abs(x), abs(y))


@pytest.mark.parametrize("query", QUERIES)
def test_each_range_step_equals_the_instant_query(query):
    start, end, step = 60_000, 1_140_000, 45_000
    ranged = ENGINE.range_query(query, start, end, step).data()["result"]
    per_step: dict = {}
    for labels, values in _samples(ranged, "values").items():
        for t, v in values:
            per_step.setdefault(round(t * 1000), {})[labels] = v
    for t in range(start, end + 1, step):
        data = ENGINE.instant_query(query, t).data()
        if data["resultType"] == "scalar":
            expected = {(): data["result"][1]}
        else:
            expected = {k: v[1] for k, v in _samples(data["result"], "value").items()}
        got = per_step.get(t, {})
        assert got.keys() == expected.keys(), f"{query} at {t}"
        assert all(_close(got[k], expected[k]) for k in got), f"{query} at {t}"


@pytest.mark.parametrize("query", QUERIES[::4])
def test_evaluating_a_range_query_in_chunks_of_steps_changes_nothing(query, monkeypatch):
    whole = ENGINE.range_query(query, 60_000, 1_140_000, 15_000).data()
    monkeypatch.setattr("prom.promql.engine.STEP_CHUNK", 7)
    chunked = ENGINE.range_query(query, 60_000, 1_140_000, 15_000).data()
    assert chunked == whole
