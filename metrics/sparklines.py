"""Overview sparklines: ~30 averaged points per series over a time window, read from the
rollups only, turned into SVG polyline strings here so the page just pastes them.

One query for all the series of the grid, whatever their number (PostgreSQL: one index
range scan per series through ``LATERAL``; SQLite: an ``IN`` list). The rollup job runs
every minute, so the window's last minute or two is not rolled up yet: the series' latest
value (kept on ``Series``) closes the line. Results are cached for ``REFRESH_S`` per window
(the page's live updates extend the lines in the browser meanwhile); while one render
computes a new window's lines, the others show the previous window's.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from typing import NamedTuple

import numpy as np
from django.core.cache import cache
from django.db import connection

from metrics.models import Rollup1h, Rollup1m

US = 1_000_000
POINTS = 30
WIDTH, HEIGHT = 600, 100  # the SVG's viewBox: integer coordinates, scaled by the browser
PAD = 2
REFRESH_S = 30
Latest = tuple[int | None, float | None]  # a series' last point: (µs, value)
CACHE_TTL_S = 60
CACHE_VERSION = 1


@dataclass(frozen=True)
class Window:
    start_us: int
    end_us: int
    step_us: int
    table: str

    @property
    def seconds(self) -> float:
        return (self.end_us - self.start_us) / US


class Spark(NamedTuple):
    """A polyline in a WIDTH × HEIGHT box spanning the window (x) and ``lo``–``hi`` (y)."""

    points: str
    lo: float
    hi: float


EMPTY = Spark("", 0.0, 0.0)


def window_for(start_us: int, end_us: int) -> Window:
    """About ``POINTS`` buckets, each a whole number of rollup buckets (1 h rollups from a
    day on, 1 min ones below), aligned so a bucket is always the same rollup rows."""
    span = max(end_us - start_us, Rollup1m.WIDTH_US)
    width, table = (
        (Rollup1h.WIDTH_US, "metrics_rollup1h")
        if span >= 24 * 3600 * US
        else (Rollup1m.WIDTH_US, "metrics_rollup1m")
    )
    step = max(1, round(span / POINTS / width)) * width
    return Window(start_us=start_us // step * step, end_us=end_us, step_us=step, table=table)


def _rows(ids: list[int], w: Window) -> list[tuple[int, int, float]]:
    """(series id, bucket index, average) for every non-empty bucket."""
    ids_sql = ",".join(str(int(i)) for i in ids)
    bucket = f"(r.bucket - {w.start_us}) / {w.step_us}"
    if connection.vendor == "postgresql":
        source = (
            f"unnest(ARRAY[{ids_sql}]::bigint[]) AS s(id) CROSS JOIN LATERAL (SELECT bucket, "
            f"sum, count FROM {w.table} WHERE series_id = s.id AND bucket >= %s AND bucket < %s) r"
        )
        sid = "s.id"
    else:
        source = (
            f"{w.table} r WHERE r.series_id IN ({ids_sql}) AND r.bucket >= %s AND r.bucket < %s"
        )
        sid = "r.series_id"
    sql = f"SELECT {sid}, {bucket}, SUM(r.sum) / SUM(r.count) FROM {source} GROUP BY 1, 2"
    with connection.cursor() as cursor:
        cursor.execute(sql, [w.start_us, w.end_us])
        return cursor.fetchall()


def _polylines(
    rows: list[tuple[int, int, float]], latest: dict[int, Latest], w: Window
) -> dict[int, Spark]:
    """Vectorised: x from time, y scaled per series between its min and max."""
    sids = [r[0] for r in rows]
    times = [w.start_us + r[1] * w.step_us for r in rows]
    values = [r[2] for r in rows]
    for sid, (ts, value) in latest.items():
        if ts is not None and value is not None and w.start_us <= ts <= w.end_us:
            sids.append(sid)
            times.append(ts)
            values.append(value)
    if not sids:
        return {}
    sid_a, t_a, v_a = np.array(sids), np.array(times, dtype=np.int64), np.array(values)
    order = np.lexsort((t_a, sid_a))
    sid_a, t_a, v_a = sid_a[order], t_a[order], v_a[order]
    starts = np.flatnonzero(np.r_[True, sid_a[1:] != sid_a[:-1]])
    lo = np.repeat(np.minimum.reduceat(v_a, starts), np.diff(np.r_[starts, len(v_a)]))
    hi = np.repeat(np.maximum.reduceat(v_a, starts), np.diff(np.r_[starts, len(v_a)]))
    span = np.where(hi > lo, hi - lo, 1.0)
    ys = np.rint(HEIGHT - PAD - (v_a - lo) / span * (HEIGHT - 2 * PAD)).astype(np.int64)
    ys = np.where(hi > lo, ys, HEIGHT // 2)
    xs = np.rint((t_a - w.start_us) / max(w.end_us - w.start_us, 1) * WIDTH).astype(np.int64)
    pairs = [f"{x},{y}" for x, y in zip(xs.tolist(), ys.tolist(), strict=True)]
    ends = np.r_[starts[1:], len(pairs)].tolist()
    out = {}
    for sid, a, b in zip(sid_a[starts].tolist(), starts.tolist(), ends, strict=True):
        out[int(sid)] = Spark(" ".join(pairs[a:b]), float(lo[a]), float(hi[a]))
    return out


def _cache_key(start_us: int, end_us: int, live: bool, ago: int = 0) -> str:
    if live:  # a window ending now: the same for everyone during REFRESH_S
        tick = end_us // (REFRESH_S * US) - ago
        return f"spark:v{CACHE_VERSION}:live:{(end_us - start_us) // US}:{tick}"
    return f"spark:v{CACHE_VERSION}:{start_us}:{end_us}"


def _cached(start_us: int, end_us: int, live: bool):
    """This window's entry; while another render computes it (a live window's first
    render of each REFRESH_S), the previous window's instead of computing it again."""
    key = _cache_key(start_us, end_us, live)
    cached = cache.get(key)
    if cached is None and live and not cache.add(f"{key}:computing", 1, REFRESH_S):
        cached = cache.get(_cache_key(start_us, end_us, live, ago=1))
    return key, cached


def sparklines(
    *,
    latest: dict[int, Latest],
    start_us: int,
    end_us: int,
    live: bool = True,
) -> tuple[Window, dict[int, Spark]]:
    """Sparklines for the series in ``latest`` (id -> (last ts µs, last value)); one query
    at most, none when the cache has them all."""
    if not latest:
        return window_for(start_us, end_us), {}
    key, cached = _cached(start_us, end_us, live)
    # (window as a tuple, {id: (points, lo, hi)}): cheap to unpickle
    window, rows = (Window(*cached[0]), cached[1]) if cached else (window_for(start_us, end_us), {})
    missing = [sid for sid in latest if sid not in rows]
    if missing:
        fresh = _polylines(_rows(missing, window), {sid: latest[sid] for sid in missing}, window)
        rows = {**rows, **{sid: tuple(fresh.get(sid, EMPTY)) for sid in missing}}
        cache.set(key, (astuple(window), rows), CACHE_TTL_S)
    return window, {sid: Spark._make(rows[sid]) for sid in latest}
