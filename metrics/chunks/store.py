"""Reads of both tiers: raw points merged with the chunks' (raw wins on equal timestamps).

``points`` is what ``metrics.selectors.raw_points`` returns; ``chunk_rows`` and ``raw_arrays``
are the pieces the bucketed queries combine themselves (chunk statistics without
decompressing where a chunk lies inside one bucket).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import connection

from metrics.chunks import codec
from metrics.query.raw_packed import packed_points

Arrays = tuple[np.ndarray, np.ndarray]
EMPTY: Arrays = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64))


@dataclass(frozen=True)
class ChunkRow(codec.Encoded):
    """A stored chunk: its series and what ``codec`` encoded (blobs None when not read)."""

    series_id: int

    def decode(self) -> Arrays:
        return codec.decode(self.ts_data, self.value_data)


def _ids(series_ids: list[int]) -> str:
    return ",".join(str(int(i)) for i in series_ids)


def _null_nan(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def chunk_rows(
    series_ids: list[int], start_us: int, end_us: int, *, blobs: bool = True
) -> list[ChunkRow]:
    """Chunks of these series holding points in ``[start_us, end_us]``, by series and time."""
    if not series_ids:
        return []
    data = "ts_data, value_data" if blobs else "NULL, NULL"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT series_id, start, count, first_ts, last_ts, min, max, sum, last, "
            f"{data} FROM metrics_chunk WHERE series_id IN ({_ids(series_ids)}) "
            "AND start >= %s AND start <= %s AND last_ts >= %s AND first_ts <= %s "
            "ORDER BY series_id, start",
            [codec.window_of(start_us), end_us, start_us, end_us],
        )
        rows = cursor.fetchall()
    return [
        ChunkRow(
            series_id=int(r[0]),
            start=int(r[1]),
            count=int(r[2]),
            first_ts=int(r[3]),
            last_ts=int(r[4]),
            min=_null_nan(r[5]),
            max=_null_nan(r[6]),
            sum=_null_nan(r[7]),
            last=_null_nan(r[8]),
            ts_data=r[9],
            value_data=r[10],
        )
        for r in rows
    ]


def raw_arrays(series_ids: list[int], start_us: int, end_us: int) -> dict[int, Arrays]:
    """The hot table's points in ``[start_us, end_us]`` by series (sorted); on PostgreSQL
    packed by the server (``metrics.query.raw_packed``), no Python object per point."""
    if not series_ids:
        return {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            return packed_points(cursor, series_ids, start_us, end_us)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT series_id, ts, value FROM metrics_point WHERE series_id IN ({_ids(series_ids)}) "
            "AND ts >= %s AND ts <= %s ORDER BY series_id, ts",
            [start_us, end_us],
        )
        rows = cursor.fetchall()
    if not rows:
        return {}
    sids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    ts = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
    values = np.array([r[2] for r in rows], dtype=np.float64)  # None (SQLite NaN) -> nan
    cuts = np.flatnonzero(np.diff(sids)) + 1
    edges = np.concatenate(([0], cuts, [len(rows)]))
    return {
        int(sids[a]): (ts[a:b], values[a:b])
        for a, b in zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True)
    }


def clip(points: Arrays, start_us: int, end_us: int) -> Arrays:
    a = np.searchsorted(points[0], start_us, side="left")
    b = np.searchsorted(points[0], end_us, side="right")
    return points[0][a:b], points[1][a:b]


def decoded(rows: list[ChunkRow], start_us: int, end_us: int) -> dict[int, Arrays]:
    """The chunks' points in ``[start_us, end_us]`` by series (rows sorted by series, time)."""
    parts: dict[int, list[Arrays]] = {}
    for row in rows:
        parts.setdefault(row.series_id, []).append(clip(row.decode(), start_us, end_us))
    return {
        sid: (np.concatenate([p[0] for p in ps]), np.concatenate([p[1] for p in ps]))
        for sid, ps in parts.items()
    }


def points(series_ids: list[int], start_us: int, end_us: int) -> dict[int, Arrays]:
    """Every point of these series in ``[start_us, end_us]``, both tiers merged."""
    raw = raw_arrays(series_ids, start_us, end_us)
    cold = decoded(chunk_rows(series_ids, start_us, end_us), start_us, end_us)
    out = {}
    for sid in sorted(set(raw) | set(cold)):
        if sid not in cold:
            out[sid] = raw[sid]
        elif sid not in raw:
            out[sid] = cold[sid]
        else:
            out[sid] = codec.merge(cold[sid], raw[sid])
    return out


def last_at_or_before(
    series_id: int, before_us: int, *, after_us: int | None = None
) -> tuple[int, float] | None:
    """The compressed tier's last point of a series at or before ``before_us`` (and after
    ``after_us`` when given: a hot point there already wins), or None. Reads one chunk."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ts_data, value_data FROM metrics_chunk WHERE series_id = %s AND first_ts <= %s "
            "AND last_ts > %s ORDER BY start DESC LIMIT 1",
            [series_id, before_us, -(2**62) if after_us is None else after_us],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    ts, values = codec.decode(row[0], row[1])
    i = int(np.searchsorted(ts, before_us, side="right")) - 1
    if i < 0 or (after_us is not None and ts[i] <= after_us):
        return None
    return int(ts[i]), float(values[i])
