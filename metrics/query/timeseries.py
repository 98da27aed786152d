"""Bucketed time-series queries over raw points and rollups.

A query with step >= a rollup's width (and a multiple of it) reads that rollup for the
part of the range the rollup task has already covered, and raw points for the rest (the
oldest not-yet-rolled-up point of the selected series marks the cut), combining partial
count/sum/min/max per bucket, so recent points show at once and old ranges stay cheap.
``last`` and ``p95`` always read raw points.

``rate`` is for counters: the per-second increase between the maxima of consecutive
buckets (a counter's maximum is its last value unless it was reset), a decrease counting as
a reset (the increase is then the new maximum), like Prometheus's ``rate()`` over the step.
The bucket before the range is read too, so the first bucket has a rate; like the other
aggregations it reads the rollups for old ranges.

Compressed chunks: before the query's cold horizon (``metrics.query.cold``) partials come
from the chunks (their statistics where a chunk lies inside one bucket) and the hot points
there; after it, from the rollups and raw SQL above; a bucket across the horizon combines
both. ``last`` and ``p95`` read the merged points of both tiers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

import numpy as np
from django.db import connection

from metrics.chunks import store
from metrics.counters import counter_rate
from metrics.models import Rollup1h, Rollup1m
from metrics.query import cold

US = 1_000_000
TIERS = [(Rollup1h.WIDTH_US, "metrics_rollup1h"), (Rollup1m.WIDTH_US, "metrics_rollup1m")]


@dataclass(frozen=True)
class Query:
    series_ids: list[int]
    start_us: int
    end_us: int
    step_us: int
    agg: str
    dirty_from_us: int | None  # oldest point not yet in rollups, over the selected series


def tier_for(query: Query) -> tuple[int, str] | None:
    if query.agg in ("last", "p95"):
        return None
    for width, table in TIERS:
        if query.step_us >= width and query.step_us % width == 0:
            return width, table
    return None


def _ids_sql(ids: list[int]) -> str:
    return ",".join(str(int(i)) for i in ids)


def _partial_sql(query: Query, tier: tuple[int, str] | None) -> tuple[str, list[int]]:
    """SQL yielding (series_id, bucket, count, sum, min, max) for the whole range."""
    ids, step = _ids_sql(query.series_ids), query.step_us
    raw = (
        f"SELECT series_id, (ts / {step}) * {step} AS b, CAST(COUNT(*) AS DOUBLE PRECISION) AS c, "
        f"SUM(value) AS s, MIN(value) AS mn, MAX(value) AS mx FROM metrics_point "
        f"WHERE series_id IN ({ids}) AND ts >= %s AND ts < %s GROUP BY series_id, b"
    )
    if tier is None:
        return raw, [query.start_us, query.end_us]
    width, table = tier
    cut = query.end_us if query.dirty_from_us is None else (query.dirty_from_us // width) * width
    cut = max(min(cut, query.end_us), query.start_us)
    if step == width:  # one rollup row per bucket: no regrouping
        rolled = (
            f"SELECT series_id, bucket AS b, CAST(count AS DOUBLE PRECISION) AS c, sum AS s, "
            f"min AS mn, max AS mx FROM {table} "
            f"WHERE series_id IN ({ids}) AND bucket >= %s AND bucket < %s"
        )
    else:
        rolled = (
            f"SELECT series_id, (bucket / {step}) * {step} AS b, CAST(SUM(count) AS DOUBLE PRECISION) AS c, "
            f"SUM(sum) AS s, "
            f"MIN(min) AS mn, MAX(max) AS mx FROM {table} "
            f"WHERE series_id IN ({ids}) AND bucket >= %s AND bucket < %s GROUP BY series_id, b"
        )
    if cut >= query.end_us:  # the rollups cover the whole range
        return rolled, [query.start_us, cut]
    sql = (
        f"SELECT series_id, b, SUM(c) AS c, SUM(s) AS s, MIN(mn) AS mn, MAX(mx) AS mx FROM ({rolled} UNION ALL {raw}) AS u "
        "GROUP BY series_id, b"
    )
    return sql, [query.start_us, cut, cut, query.end_us]


VALUE_SQL = {"avg": "s / c", "min": "mn", "max": "mx", "sum": "s", "count": "c"}


def bucketed(query: Query) -> dict[int, list[list[float]]]:
    """series id -> [[epoch seconds, value], ...] in time order."""
    if not query.series_ids:
        return {}
    if query.agg in ("last", "p95"):
        return _from_raw_values(query)
    if query.agg == "rate":
        return _rates(query)
    split = cold.horizon(query.series_ids, query.start_us, query.end_us)
    if split > query.start_us:
        return _with_cold(query, split)
    partial, params = _partial_sql(query, tier_for(query))
    value = VALUE_SQL[query.agg]
    # the value is computed in SQL (3 narrow columns to fetch); rows are put in time order
    # per series here, which is cheaper than a sort that spills to disk in the database
    sql = f"SELECT series_id, b, CAST({value} AS DOUBLE PRECISION) FROM ({partial}) AS q"
    out: dict[int, list[list[float]]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for sid, bucket, v in cursor.fetchall():
            out[sid].append([bucket / US, v])
    for points in out.values():
        points.sort()
    return out


def cold_arrays(query: Query) -> dict[int, np.ndarray] | None:
    """Like ``bucketed`` as (n, 2) arrays of [epoch seconds, value], for a bucketed query
    that reaches the compressed tier; None for any other (the caller asks ``bucketed``).
    No Python object per bucket: the JSON answer is written from the arrays."""
    if not query.series_ids or query.agg in ("last", "p95", "rate"):
        return None
    split = cold.horizon(query.series_ids, query.start_us, query.end_us)
    return _cold_arrays(query, split) if split > query.start_us else None


def _with_cold(query: Query, split: int) -> dict[int, list[list[float]]]:
    return {sid: points.tolist() for sid, points in _cold_arrays(query, split).items()}


def _cold_arrays(query: Query, split: int) -> dict[int, np.ndarray]:
    """Partials before ``split`` from the cold tier, after it from SQL, combined."""
    parts = cold.partials(query.series_ids, query.start_us, split, query.step_us)
    if split < query.end_us:
        hot = replace(query, start_us=split)
        partial, params = _partial_sql(hot, tier_for(hot))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT series_id, b, c, s, mn, mx FROM ({partial}) AS q", params)
            rows = np.array(
                [[_nan(v) for v in r] for r in cursor.fetchall()], dtype=np.float64
            ).reshape(-1, 6)
        for sid in np.unique(rows[:, 0]).astype(np.int64).tolist():
            mine = rows[rows[:, 0] == sid, 1:]
            parts[sid] = cold.combine([parts[sid], mine]) if sid in parts else cold.combine([mine])
    column = {"avg": None, "min": 3, "max": 4, "sum": 2, "count": 1}[query.agg]
    out: dict[int, np.ndarray] = {}
    for sid, p in parts.items():
        if not len(p):
            continue
        value = p[:, 2] / p[:, 1] if column is None else p[:, column]
        out[sid] = np.column_stack((p[:, 0] / US, value))
    return out


def _nan(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def _from_raw_values(query: Query) -> dict[int, list[list[float]]]:
    """``last`` and ``p95`` from raw points (p95: linear interpolation, like percentile_cont)."""
    merged = store.points(query.series_ids, query.start_us, query.end_us - 1)
    return {sid: _reduce(ts, values, query) for sid, (ts, values) in merged.items() if len(ts)}


def _reduce(ts: np.ndarray, values: np.ndarray, query: Query) -> list[list[float]]:
    buckets = (ts // query.step_us) * query.step_us
    edges = np.flatnonzero(np.r_[True, buckets[1:] != buckets[:-1], True])
    points = []
    for start, end in zip(edges[:-1], edges[1:], strict=True):
        chunk = values[start:end]
        value = chunk[-1] if query.agg == "last" else float(np.percentile(chunk, 95))
        points.append([int(buckets[start]) / US, float(value)])
    return points


def _rates(query: Query) -> dict[int, list[list[float]]]:
    """``rate``: per-second increase between consecutive buckets' maxima (see above)."""
    wider = replace(query, start_us=query.start_us - query.step_us, agg="max")
    first_s = (query.start_us // query.step_us) * query.step_us / US  # the range's 1st bucket
    out = {}
    for sid, points in bucketed(wider).items():
        rates = counter_rates(np.asarray(points, dtype=np.float64).reshape(-1, 2))
        out[sid] = [p for p in rates if p[0] >= first_s]
    return out


def counter_rates(points: np.ndarray) -> list[list[float]]:
    """[[t, rate], ...] from [[t, counter value], ...] (seconds, in time order): one point
    fewer; a decrease is a reset."""
    if len(points) < 2:
        return []
    t = points[:, 0]
    return np.column_stack((t[1:], counter_rate(t, points[:, 1])[1:])).tolist()
