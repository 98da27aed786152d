"""Bucketed partials (count/sum/min/max per series and bucket) below the cold horizon.

The cold horizon of a query is the end of the newest chunk window of its series in its
range. Before it, points are in chunks or, when late, re-sent or backfilled, in the hot
table (those win over a chunk's at the same timestamp); rollups there are ignored (a
compacted window's are deleted, and a late point's would count it twice). A chunk that lies
inside one bucket and has no hot point in its window gives its statistics without being
decompressed; the others are decompressed, merged with the hot points and bucketed here.
After the horizon the usual rollups + raw SQL answers (``timeseries``).

Aggregates follow PostgreSQL's float8 rules (``codec.stats``): a NaN makes ``max`` and
``sum`` NaN, ``min`` ignores it unless every value is NaN.
"""

from __future__ import annotations

import numpy as np
from django.db import connection

from metrics.chunks import codec, store


def horizon(series_ids: list[int], start_us: int, end_us: int) -> int:
    """End of the newest chunk window overlapping ``[start_us, end_us)``, clamped to the
    range; ``start_us`` when there is none (no cold part)."""
    if not series_ids:
        return start_us
    ids = ",".join(str(int(i)) for i in series_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX(start) FROM metrics_chunk WHERE series_id IN ({ids}) "
            "AND start >= %s AND start < %s",
            [codec.window_of(start_us), end_us],
        )
        newest = cursor.fetchone()[0]
    if newest is None:
        return start_us
    return max(start_us, min(int(newest) + codec.WIDTH_US, end_us))


def partials(
    series_ids: list[int], start_us: int, end_us: int, step_us: int
) -> dict[int, np.ndarray]:
    """Partials of every point in ``[start_us, end_us)`` (both tiers, hot wins): series id
    -> rows ``[bucket, count, sum, min, max]`` (float64, buckets in order)."""
    last = end_us - 1
    raw = store.raw_arrays(series_ids, start_us, last)
    # below the chunk width few chunks fit in a bucket: fetch the blobs at once
    meta = store.chunk_rows(series_ids, start_us, last, blobs=step_us < codec.WIDTH_US)
    stat_rows: dict[int, list[tuple]] = {}
    wanted: list[store.ChunkRow] = []
    for row in meta:
        if _whole_in_bucket(row, start_us, end_us, step_us) and not _has_hot(raw, row):
            bucket = (row.first_ts // step_us) * step_us
            stat_rows.setdefault(row.series_id, []).append(
                (bucket, row.count, row.sum, row.min, row.max)
            )
        else:
            wanted.append(row)
    cold = store.decoded(_with_blobs(wanted), start_us, last)
    out = {}
    for sid in set(raw) | set(cold) | set(stat_rows):
        if sid in raw and sid in cold:
            ts, values = codec.merge(cold[sid], raw[sid])
        else:
            ts, values = raw.get(sid) or cold.get(sid) or store.EMPTY
        parts = bucket_partials(ts, values, step_us)
        if sid in stat_rows:
            parts = combine([parts, np.array(stat_rows[sid], dtype=np.float64).reshape(-1, 5)])
        out[sid] = parts
    return out


def combine(parts: list[np.ndarray]) -> np.ndarray:
    """Rows ``[bucket, count, sum, min, max]`` of several sources, one row per bucket."""
    rows = np.concatenate(parts)
    if not len(rows):
        return rows.reshape(0, 5)
    rows = rows[np.argsort(rows[:, 0], kind="stable")]
    edges = np.flatnonzero(np.r_[True, rows[1:, 0] != rows[:-1, 0]])
    return np.column_stack(
        (
            rows[edges, 0],
            np.add.reduceat(rows[:, 1], edges),
            np.add.reduceat(rows[:, 2], edges),
            np.fmin.reduceat(rows[:, 3], edges),
            np.maximum.reduceat(rows[:, 4], edges),
        )
    )


def _whole_in_bucket(row: store.ChunkRow, start_us: int, end_us: int, step_us: int) -> bool:
    return (
        row.first_ts >= start_us
        and row.last_ts < end_us
        and row.first_ts // step_us == row.last_ts // step_us
    )


def _has_hot(raw: dict[int, store.Arrays], row: store.ChunkRow) -> bool:
    if row.series_id not in raw:
        return False
    ts = raw[row.series_id][0]
    a = np.searchsorted(ts, row.start)
    return bool(a < len(ts) and ts[a] < row.start + codec.WIDTH_US)


def _with_blobs(rows: list[store.ChunkRow]) -> list[store.ChunkRow]:
    if not rows or all(r.ts_data is not None for r in rows):
        return rows
    keys = {(r.series_id, r.start) for r in rows}
    starts = [r.start for r in rows]
    fetched = store.chunk_rows(
        sorted({r.series_id for r in rows}), min(starts), max(starts) + codec.WIDTH_US - 1
    )
    return [r for r in fetched if (r.series_id, r.start) in keys]


def bucket_partials(ts: np.ndarray, values: np.ndarray, step_us: int) -> np.ndarray:
    """Rows ``[bucket, count, sum, min, max]`` of sorted points."""
    if not len(ts):
        return np.empty((0, 5))
    buckets = (ts // step_us) * step_us
    edges = np.flatnonzero(np.r_[True, buckets[1:] != buckets[:-1]])
    return np.column_stack(
        (
            buckets[edges].astype(np.float64),
            np.diff(np.r_[edges, len(ts)]).astype(np.float64),
            np.add.reduceat(values, edges),
            np.fmin.reduceat(values, edges),
            np.maximum.reduceat(values, edges),
        )
    )
