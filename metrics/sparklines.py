"""Overview sparklines: ~30 averaged points per series over a time window, read from the
rollups only, turned into SVG polyline strings here so the page just pastes them.

One query for all the series of the grid, whatever their number (PostgreSQL: one index
range scan per series through ``LATERAL``; SQLite: an ``IN`` list). The rollup job runs
every minute, so the window's last minute or two is not rolled up yet: the series' latest
value (kept on ``Series``) closes the line. Results are cached for ``REFRESH_S`` per window
(the page's live updates extend the lines in the browser meanwhile); while one render
computes a new window's lines, the others show the previous window's.

A counter's line is its per-second rate (``counters``): the increase between consecutive
buckets' maxima (a decrease is a reset, as in ``metrics.counters``) over the time between
them, each maximum taken at the end of the bucket's last rollup row. Only rollup rows the
rollup job has finished count (before the oldest pending batch and the current rollup
bucket), so a partly rolled-up minute never shows as a dip; the latest value closes the
line when it is ``CLOSE_AFTER_US`` past the last finished row (the rate in between). A
reset inside a bucket: that bucket's rate misses the increase after it and the next
bucket's counts it (the two add up), as the query layer's ``agg=rate`` does.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from typing import NamedTuple

import numpy as np
from django.core.cache import cache
from django.db import connection

from metrics.counters import increase
from metrics.models import Rollup1h, Rollup1m, RollupPending

US = 1_000_000
POINTS = 30
WIDTH, HEIGHT = 600, 100  # the SVG's viewBox: integer coordinates, scaled by the browser
PAD = 2
REFRESH_S = 30
Latest = tuple[int | None, float | None]  # a series' last point: (µs, value)
CACHE_TTL_S = 60
CACHE_VERSION = 2
CLOSE_AFTER_US = 300 * US  # a counter's latest value closes its line this long after its rows


@dataclass(frozen=True)
class Window:
    start_us: int
    end_us: int
    step_us: int
    table: str
    width_us: int  # of the rollup rows read

    @property
    def seconds(self) -> float:
        return (self.end_us - self.start_us) / US


class Spark(NamedTuple):
    """A polyline in a WIDTH × HEIGHT box spanning the window (x) and ``lo``–``hi`` (y);
    ``rate``: a counter's latest per-second rate (None for other series, or no rate yet)."""

    points: str
    lo: float
    hi: float
    rate: float | None = None


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
    start = start_us // step * step
    return Window(start_us=start, end_us=end_us, step_us=step, table=table, width_us=width)


def _finished(w: Window) -> str:
    """SQL: the rollup row ``r`` is finished (see the module's docstring)."""
    now_bucket = w.end_us // w.width_us * w.width_us
    pending = f"(SELECT MIN(min_ts) FROM {RollupPending._meta.db_table})"
    return (
        f"r.bucket + {w.width_us} <= {now_bucket} "
        f"AND (r.bucket + {w.width_us} <= {pending} OR {pending} IS NULL)"
    )


def _rows(ids: list[int], w: Window, counters: set[int]) -> np.ndarray:
    """One row per non-empty bucket, from the one before the window (index -1) on: series
    id, bucket index, then the average and NaN, or for a counter the maximum and the last
    row's start of its finished rollup rows (NaN, NaN: none). As floats (µs times are exact
    below 2**53)."""
    ids_sql = ",".join(str(int(i)) for i in ids)
    bucket = f"(r.bucket - {w.start_us - w.step_us}) / {w.step_us} - 1"
    if connection.vendor == "postgresql":
        source = (
            f"unnest(ARRAY[{ids_sql}]::bigint[]) AS s(id) CROSS JOIN LATERAL (SELECT bucket, "
            f"sum, count, max FROM {w.table} WHERE series_id = s.id AND bucket >= %s "
            "AND bucket < %s) r"
        )
        sid = "s.id"
    else:
        source = (
            f"{w.table} r WHERE r.series_id IN ({ids_sql}) AND r.bucket >= %s AND r.bucket < %s"
        )
        sid = "r.series_id"
    counter = f"{sid} IN ({','.join(str(int(i)) for i in counters)})" if counters else "1 = 0"
    done = _finished(w)
    sql = (
        f"SELECT {sid}, {bucket}, CASE WHEN {counter} THEN MAX(CASE WHEN {done} THEN r.max END) "
        f"ELSE SUM(r.sum) / SUM(r.count) END, "
        f"CASE WHEN {counter} THEN MAX(CASE WHEN {done} THEN r.bucket END) END "
        f"FROM {source} GROUP BY 1, 2"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [w.start_us - w.step_us, w.end_us])
        return np.array(cursor.fetchall(), dtype=np.float64).reshape(-1, 4)


Line = tuple[np.ndarray, np.ndarray, np.ndarray]  # series ids, times (µs), values
LATEST = 1 << 20  # a bucket index past the window's: a series' latest point


def _latest(latest: dict[int, Latest], w: Window) -> np.ndarray:
    """(series id, µs, value) of each latest point in the window."""
    points = [
        (sid, ts, value)
        for sid, (ts, value) in latest.items()
        if ts is not None and value is not None and w.start_us <= ts <= w.end_us
    ]
    return np.array(points, dtype=np.float64).reshape(-1, 3)


def _averages(rows: np.ndarray, last: np.ndarray, w: Window) -> Line:
    """The buckets' averages in the window, closed by the latest value."""
    rows = rows[rows[:, 1] >= 0]
    times = w.start_us + rows[:, 1] * w.step_us
    return (np.r_[rows[:, 0], last[:, 0]], np.r_[times, last[:, 1]], np.r_[rows[:, 2], last[:, 2]])


def _rates(rows: np.ndarray, last: np.ndarray, w: Window) -> Line:
    """Counters: the per-second rate between consecutive buckets' maxima, each at the end of
    its last finished row (a regular series' last point is as far before the end of each
    row, so the differences are exact), plotted at the bucket; then up to the latest value,
    plotted at its time."""
    done = rows[np.isfinite(rows[:, 3])]
    marks = np.r_[  # series id, bucket index, time of the value, value
        np.column_stack((done[:, 0], done[:, 1], done[:, 3] + w.width_us, done[:, 2])),
        np.column_stack((last[:, 0], np.full(len(last), LATEST), last[:, 1], last[:, 2])),
    ]
    sid, idx, at, top = marks[np.lexsort((marks[:, 1], marks[:, 0]))].T
    dt = np.diff(at)
    to_latest = idx[1:] == LATEST
    ok = (sid[1:] == sid[:-1]) & (dt > 0)
    ok &= np.where(to_latest, dt >= CLOSE_AFTER_US, idx[1:] >= 0)
    rate = increase(top[:-1], top[1:]) / np.maximum(dt, 1) * US
    times = np.where(to_latest, at[1:], w.start_us + np.where(to_latest, 0, idx[1:]) * w.step_us)
    return sid[1:][ok], times[ok], rate[ok]


def _line(rows: np.ndarray, latest: dict[int, Latest], w: Window, counters: set[int]) -> Line:
    """Every series' points: averages, or rates for the counters."""
    last = _latest(latest, w)
    counted = np.isin(rows[:, 0], list(counters))
    last_counted = np.isin(last[:, 0], list(counters))
    averaged = _averages(rows[~counted], last[~last_counted], w)
    rated = _rates(rows[counted], last[last_counted], w)
    return np.r_[averaged[0], rated[0]], np.r_[averaged[1], rated[1]], np.r_[averaged[2], rated[2]]


def _polylines(
    rows: np.ndarray, latest: dict[int, Latest], w: Window, counters: set[int]
) -> dict[int, Spark]:
    """Vectorised: x from time, y scaled per series between its min and max."""
    sid_a, t_a, v_a = _line(rows, latest, w, counters)
    if not len(sid_a):
        return {}
    sid_a, t_a = sid_a.astype(np.int64), t_a.astype(np.int64)
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
        rate = float(v_a[b - 1]) if sid in counters else None
        out[int(sid)] = Spark(" ".join(pairs[a:b]), float(lo[a]), float(hi[a]), rate)
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
    counters: set[int] | frozenset[int] = frozenset(),
) -> tuple[Window, dict[int, Spark]]:
    """Sparklines for the series in ``latest`` (id -> (last ts µs, last value)), those in
    ``counters`` as their per-second rate; one query at most, none when the cache has them
    all."""
    if not latest:
        return window_for(start_us, end_us), {}
    key, cached = _cached(start_us, end_us, live)
    # (window as a tuple, {id: (points, lo, hi, rate)}): cheap to unpickle
    window, rows = (Window(*cached[0]), cached[1]) if cached else (window_for(start_us, end_us), {})
    missing = [sid for sid in latest if sid not in rows]
    if missing:
        mine = {sid: latest[sid] for sid in missing}
        counted = set(counters) & set(missing)
        fresh = _polylines(_rows(missing, window, counted), mine, window, counted)
        rows = {**rows, **{sid: tuple(fresh.get(sid, EMPTY)) for sid in missing}}
        cache.set(key, (astuple(window), rows), CACHE_TTL_S)
    return window, {sid: Spark._make(rows[sid]) for sid in latest}
