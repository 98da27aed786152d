"""Compaction: move raw points older than the hot window into chunks.

The unit of work is one series' points in one chunk window (``codec.WIDTH_US``), in one
transaction: delete the window's raw points (``DELETE … RETURNING``: exactly the rows
deleted are compacted, so a point inserted or overwritten meanwhile either is seen by the
delete or stays raw, newer than the chunk), read the window's chunk if there is one, merge
(the raw points win on equal timestamps: last write wins), write the chunk and delete the
window's rollup rows (coarse queries read the chunks below the compacted horizon). A crash
anywhere rolls the unit back; a rerun continues with the units left: idempotent, and never
a point lost or counted twice. Only whole windows that end before ``now - older_than`` are
compacted, so a window is normally written once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction

from metrics.chunks import codec
from metrics.models import Chunk, Series

US = 1_000_000
SERIES_PER_PAGE = 1_000


@dataclass
class Compacted:
    units: int = 0
    points: int = 0
    seconds: float = 0.0
    dropped: list[str] = field(default_factory=list)  # hot partitions emptied and dropped


def cutoff_for(older_than_us: int, now_us: int | None = None) -> int:
    """Windows ending at or before this instant (µs) are compacted."""
    now_us = now_us if now_us is not None else int(time.time() * US)
    return codec.window_of(now_us - older_than_us)


def oldest_window(series_id: int, cutoff_us: int) -> int | None:
    """The window of the series' oldest raw point before ``cutoff_us`` (one index probe)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MIN(ts) FROM metrics_point WHERE series_id = %s AND ts < %s",
            [series_id, cutoff_us],
        )
        oldest = cursor.fetchone()[0]
    return None if oldest is None else codec.window_of(int(oldest))


def series_ids(after: int, limit: int = SERIES_PER_PAGE) -> list[int]:
    return list(
        Series.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:limit]
    )


def compact_unit(series_id: int, window: int) -> int:
    """Compact one series' window; returns the number of raw points moved."""
    end = window + codec.WIDTH_US
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM metrics_point WHERE series_id = %s AND ts >= %s AND ts < %s "
            "RETURNING ts, value",
            [series_id, window, end],
        )
        rows = cursor.fetchall()
        if not rows:
            return 0
        rows.sort()
        new = (
            np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
            np.array([r[1] for r in rows], dtype=np.float64),
        )
        merged = _merge_existing(cursor, series_id, window, new)
        _write_chunk(cursor, series_id, codec.encode(*merged))
        for table in ("metrics_rollup1m", "metrics_rollup1h"):
            cursor.execute(
                f"DELETE FROM {table} WHERE series_id = %s AND bucket >= %s AND bucket < %s",
                [series_id, window, end],
            )
        return len(rows)


def _merge_existing(cursor, series_id: int, window: int, new):
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    cursor.execute(
        f"SELECT ts_data, value_data FROM metrics_chunk WHERE series_id = %s AND start = %s{lock}",
        [series_id, window],
    )
    row = cursor.fetchone()
    return new if row is None else codec.merge(codec.decode(row[0], row[1]), new)


COLUMNS = "series_id, start, count, first_ts, last_ts, min, max, sum, last, ts_data, value_data"


def _write_chunk(cursor, series_id: int, chunk: codec.Encoded) -> None:
    updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS.split(", ")[2:])
    cursor.execute(
        f"INSERT INTO metrics_chunk ({COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, "
        f"%s, %s) ON CONFLICT (series_id, start) DO UPDATE SET {updates}",
        [
            series_id,
            chunk.start,
            chunk.count,
            chunk.first_ts,
            chunk.last_ts,
            _db_float(chunk.min),
            _db_float(chunk.max),
            _db_float(chunk.sum),
            _db_float(chunk.last),
            chunk.ts_data,
            chunk.value_data,
        ],
    )


def _db_float(value: float) -> float | None:
    """SQLite has no NaN (it would store NULL anyway); PostgreSQL keeps it."""
    if value != value and connection.vendor != "postgresql":
        return None
    return value


def compact_points(*, older_than_us: int, now_us: int | None = None) -> Compacted:
    """Compact every whole window older than ``now - older_than``; see the module doc."""
    cutoff = cutoff_for(older_than_us, now_us)
    done, started, last = Compacted(), time.perf_counter(), 0
    while ids := series_ids(last):
        for series_id in ids:
            while (window := oldest_window(series_id, cutoff)) is not None:
                done.points += compact_unit(series_id, window)
                done.units += 1
        last = ids[-1]
    done.seconds = time.perf_counter() - started
    return done


def chunk_count() -> int:
    return Chunk.objects.count()
