"""Per-series statistics over a range vs the previous range of equal length.

min, max, avg, p95, stddev (population), slope per hour (least squares), and the change
of the average vs the previous range (absolute and percent).
"""

from __future__ import annotations

import math

import numpy as np
from django.db import connection
from rest_framework import serializers

from metrics.chunks import store
from metrics.chunks.codec import stats
from metrics.models import Series
from metrics.query import cold
from metrics.query.params import RangeSerializer

HOUR_US = 3_600_000_000


class TrendsQuerySerializer(RangeSerializer):
    name = serializers.CharField(max_length=200)
    host = serializers.CharField(required=False, max_length=200)


def _sums(ids: str, start: int, end: int, compressed: bool) -> dict[int, tuple]:
    id_list = [int(i) for i in ids.split(",")]
    if compressed:  # the range reaches compressed chunks: from the points of both tiers
        return {
            sid: _sums_of(ts, values, start)
            for sid, (ts, values) in store.points(id_list, start, end - 1).items()
        }
    sql = (
        "SELECT series_id, COUNT(*), SUM(value), MIN(value), MAX(value), SUM(value * value), "
        f"SUM((ts - %s) / {HOUR_US}.0), SUM(((ts - %s) / {HOUR_US}.0) * ((ts - %s) / {HOUR_US}.0)), "
        f"SUM(((ts - %s) / {HOUR_US}.0) * value) FROM metrics_point "
        f"WHERE series_id IN ({ids}) AND ts >= %s AND ts < %s GROUP BY series_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, start, start, start, start, end])
        return {row[0]: row[1:] for row in cursor.fetchall()}


def _sums_of(ts: np.ndarray, values: np.ndarray, start: int) -> tuple:
    """What ``_sums``'s SQL computes, from points."""
    hours = (ts - start) / HOUR_US
    low, high, total = stats(values)
    return (
        len(ts),
        total,
        low,
        high,
        float(np.sum(values * values)),
        float(hours.sum()),
        float(np.sum(hours * hours)),
        float(np.sum(hours * values)),
    )


def _p95(ids: str, start: int, end: int, compressed: bool) -> dict[int, float]:
    id_list = [int(i) for i in ids.split(",")]
    if compressed:
        return {
            sid: float(np.percentile(values, 95))
            for sid, (_, values) in store.points(id_list, start, end - 1).items()
        }
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT series_id, percentile_cont(0.95) WITHIN GROUP (ORDER BY value) FROM metrics_point "
                f"WHERE series_id IN ({ids}) AND ts >= %s AND ts < %s GROUP BY series_id",
                [start, end],
            )
            return {sid: float(p) for sid, p in cursor.fetchall()}
        cursor.execute(
            f"SELECT series_id, value FROM metrics_point WHERE series_id IN ({ids}) AND ts >= %s AND ts < %s",
            [start, end],
        )
        rows = np.array(cursor.fetchall(), dtype=np.float64).reshape(-1, 2)
    return {
        int(s): float(np.percentile(rows[rows[:, 0] == s, 1], 95)) for s in np.unique(rows[:, 0])
    }


def _stats(sums: tuple | None, p95: float | None) -> dict | None:
    if not sums:
        return None
    n = int(sums[0])
    total, lo, hi, squares, st, stt, stv = (float(x) for x in sums[1:])  # PG gives numerics
    avg = total / n
    variance = max(squares / n - avg * avg, 0.0)
    denom = n * stt - st * st
    slope = (n * stv - st * total) / denom if n > 1 and abs(denom) > 1e-12 else 0.0
    return {
        "count": n,
        "min": lo,
        "max": hi,
        "avg": avg,
        "p95": p95,
        "stddev": math.sqrt(variance),
        "slope_per_hour": slope,
    }


def _change(now: dict | None, before: dict | None) -> dict | None:
    if not now or not before:
        return None
    delta = now["avg"] - before["avg"]
    percent = None if before["avg"] == 0 else 100.0 * delta / abs(before["avg"])
    return {"avg_delta": delta, "avg_percent": percent}


def trends(*, series: list[Series], start_us: int, end_us: int) -> list[dict]:
    if not series:
        return []
    ids = ",".join(str(s.pk) for s in series)
    span = end_us - start_us
    # one check for both ranges: do they reach compressed chunks?
    compressed = cold.horizon([s.pk for s in series], start_us - span, end_us) > start_us - span
    current = _sums(ids, start_us, end_us, compressed)
    previous = _sums(ids, start_us - span, start_us, compressed)
    p95 = _p95(ids, start_us, end_us, compressed)
    out = []
    for s in series:
        now = _stats(current.get(s.pk), p95.get(s.pk))
        before = _stats(previous.get(s.pk), None)
        out.append(
            {
                "id": s.pk,
                "name": s.name,
                "host": s.host,
                "labels": s.labels,
                "stats": now,
                "previous": before,
                "change": _change(now, before),
            }
        )
    return out
