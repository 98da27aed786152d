"""Write a validated batch: dedupe, bulk write the points, keep each series' latest value.

PostgreSQL: binary ``COPY`` straight into ``metrics_point`` (new points, the common case, at
raw COPY speed); if any point already exists (a retried batch) the COPY fails with a unique
violation, the caller rolls the transaction back and writes again with ``overwrite``: through
a temporary table and ``INSERT … ON CONFLICT DO UPDATE`` (idempotent overwrite). SQLite:
``executemany`` upsert.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from metrics.ingest.batch import Batch
from metrics.ingest.series_ids import resolve

COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
COPY_TRAILER = b"\xff\xff"
ROW = np.dtype(
    [
        ("n", ">i2"),
        ("l1", ">i4"),
        ("sid", ">i8"),
        ("l2", ">i4"),
        ("ts", ">i8"),
        ("l3", ">i4"),
        ("v", ">f8"),
    ]
)
COLUMNS = "(series_id, ts, value)"


@dataclass
class Written:
    """What a write produced, in (series, ts) order: one entry per distinct point."""

    series_ids: np.ndarray
    ts: np.ndarray
    values: np.ndarray
    hosts: dict[int, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ts)


def write(batch: Batch, *, overwrite: bool = False) -> Written:
    """Resolve series, write points and latest values in the caller's transaction.

    Without ``overwrite`` a point that already exists raises ``UniqueViolation`` (PostgreSQL)."""
    resolved = resolve(batch.series)
    ids = np.asarray(resolved, dtype=np.int64)
    rows = _dedupe(ids[np.asarray(batch.series_index, dtype=np.int64)], batch)
    rows.hosts = {sid: key[1] for sid, key in zip(resolved, batch.series, strict=True)}
    if connection.vendor == "postgresql":
        _copy_points(rows, overwrite)
    else:
        _sqlite_points(rows)
    _update_series(rows)
    return rows


def _dedupe(sids: np.ndarray, batch: Batch) -> Written:
    """Sort by (series, ts); for a repeated (series, ts) the last one sent wins."""
    ts = np.asarray(batch.ts, dtype=np.int64)
    values = np.asarray(batch.values, dtype=np.float64)
    order = np.lexsort((np.arange(len(ts))[::-1], ts, sids))  # later duplicates first
    sids, ts, values = sids[order], ts[order], values[order]
    keep = np.ones(len(ts), dtype=bool)
    keep[1:] = (sids[1:] != sids[:-1]) | (ts[1:] != ts[:-1])
    return Written(sids[keep], ts[keep], values[keep])


def _binary(rows: Written) -> bytes:
    data = np.empty(len(rows), dtype=ROW)
    data["n"], data["l1"], data["l2"], data["l3"] = 3, 8, 8, 8
    data["sid"], data["ts"], data["v"] = rows.series_ids, rows.ts, rows.values
    return COPY_HEADER + data.tobytes() + COPY_TRAILER


def _copy_points(rows: Written, overwrite: bool) -> None:
    payload = _binary(rows)
    raw = connection.cursor().cursor
    if overwrite:
        _copy_upsert(raw, payload)
        return
    with raw.copy(f"COPY metrics_point {COLUMNS} FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(payload)


def _copy_upsert(raw, payload: bytes) -> None:
    raw.execute(
        "CREATE TEMP TABLE IF NOT EXISTS hydra_ingest "
        "(series_id bigint, ts bigint, value double precision) ON COMMIT DELETE ROWS"
    )
    with raw.copy(f"COPY hydra_ingest {COLUMNS} FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(payload)
    raw.execute(
        f"INSERT INTO metrics_point {COLUMNS} SELECT series_id, ts, value FROM hydra_ingest "
        "ON CONFLICT (series_id, ts) DO UPDATE SET value = EXCLUDED.value"
    )
    raw.execute("TRUNCATE hydra_ingest")


def _sqlite_points(rows: Written) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO metrics_point {COLUMNS} VALUES (%s, %s, %s) "
            "ON CONFLICT (series_id, ts) DO UPDATE SET value = excluded.value",
            list(
                zip(rows.series_ids.tolist(), rows.ts.tolist(), rows.values.tolist(), strict=True)
            ),
        )


def series_bounds(rows: Written) -> tuple[list[int], list[int], list[float], list[int]]:
    """Per series in the batch: id, newest ts, its value, oldest ts (rows are sorted)."""
    starts = np.flatnonzero(np.r_[True, rows.series_ids[1:] != rows.series_ids[:-1]])
    ends = np.r_[starts[1:], len(rows)] - 1
    return (
        rows.series_ids[starts].tolist(),
        rows.ts[ends].tolist(),
        rows.values[ends].tolist(),
        rows.ts[starts].tolist(),
    )


UPDATE_PG = """
UPDATE metrics_series AS s SET
  last_value = CASE WHEN s.last_ts IS NULL OR v.max_ts >= s.last_ts THEN v.val ELSE s.last_value END,
  last_ts = GREATEST(COALESCE(s.last_ts, v.max_ts), v.max_ts),
  rollup_from = LEAST(COALESCE(s.rollup_from, v.min_ts), v.min_ts),
  rollup_seq = s.rollup_seq + 1
FROM unnest(%s::text::bigint[], %s::text::bigint[], %s::text::float8[], %s::text::bigint[])
  AS v(id, max_ts, val, min_ts)
WHERE s.id = v.id
"""
UPDATE_SQLITE = """
UPDATE metrics_series SET
  last_value = CASE WHEN last_ts IS NULL OR %s >= last_ts THEN %s ELSE last_value END,
  last_ts = max(coalesce(last_ts, %s), %s),
  rollup_from = min(coalesce(rollup_from, %s), %s),
  rollup_seq = rollup_seq + 1
WHERE id = %s
"""


def _pg_array(values: list) -> str:
    """A PostgreSQL array literal: psycopg adapts a 1,000-element list far slower."""
    return "{" + ",".join(map(repr, values)) + "}"


def _update_series(rows: Written) -> None:
    ids, max_ts, vals, min_ts = series_bounds(rows)
    if connection.vendor == "postgresql":
        _update_series_pg([_pg_array(a) for a in (ids, max_ts, vals, min_ts)])
        return
    params = [(m, v, m, m, n, n, i) for i, m, v, n in zip(ids, max_ts, vals, min_ts, strict=True)]
    with connection.cursor() as cursor:
        cursor.executemany(UPDATE_SQLITE, params)


def _update_series_pg(arrays: list[str]) -> None:
    """One UPDATE, no separate locking pass: its rows are locked in the order of the
    sorted id array, which the join probes, so two batches over the same series queue up
    rather than deadlock. (Were a plan ever to lock in another order, PostgreSQL's deadlock
    detector would abort one batch as a whole; the API retries it.)"""
    connection.cursor().cursor.execute(UPDATE_PG, arrays)  # text arrays: cheapest to send
