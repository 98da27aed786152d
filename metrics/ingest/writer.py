"""Write a validated batch: dedupe, bulk write the points, record them for the rollup job.

Series rows are not updated: the latest value is read from the points
(``Series.objects.with_latest``), so batches over the same series never queue on row locks.

PostgreSQL: binary ``COPY`` straight into ``metrics_point`` (new points, the common case, at
raw COPY speed); if any point already exists (a retried batch) the COPY fails with a unique
violation, the caller rolls the transaction back and writes again with ``overwrite``: through
a temporary table and ``INSERT … ON CONFLICT DO UPDATE`` (idempotent overwrite). SQLite:
``executemany`` upsert (a NaN value is skipped there: SQLite stores NaN as NULL).

Staleness markers go to ``metrics_stalemark`` (insert or ignore) and metadata onto the
series rows (``metrics.ingest.metadata``), in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from metrics.ingest.batch import Batch
from metrics.ingest.copyformat import copy_payload
from metrics.ingest.metadata import apply_metadata
from metrics.ingest.series_ids import resolve
from metrics.models import RollupPending, StaleMark

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
    """Resolve series, write the points and a pending-rollup row in the caller's transaction.

    Without ``overwrite`` a point that already exists raises ``UniqueViolation`` (PostgreSQL)."""
    resolved = resolve(batch.series, hosts=batch.derived_hosts, meta=batch.meta)
    ids = np.asarray(resolved, dtype=np.int64)
    rows = _dedupe(ids[np.asarray(batch.series_index, dtype=np.int64)], batch)
    rows.hosts = {
        sid: batch.derived_hosts.get(pos) or key[1]
        for pos, (sid, key) in enumerate(zip(resolved, batch.series, strict=True))
    }
    if len(rows):
        if connection.vendor == "postgresql":
            _copy_points(rows, overwrite)
        else:
            _sqlite_points(rows)
        _mark_pending(rows)
    if batch.stale_ts:
        _stale_marks(ids[np.asarray(batch.stale_index, dtype=np.int64)], batch.stale_ts)
    if batch.meta:
        apply_metadata(batch.meta)
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
    return copy_payload(rows.series_ids, rows.ts, rows.values)


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
    keep = ~np.isnan(rows.values)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO metrics_point {COLUMNS} VALUES (%s, %s, %s) "
            "ON CONFLICT (series_id, ts) DO UPDATE SET value = excluded.value",
            list(
                zip(
                    rows.series_ids[keep].tolist(),
                    rows.ts[keep].tolist(),
                    rows.values[keep].tolist(),
                    strict=True,
                )
            ),
        )


def _stale_marks(series_ids: np.ndarray, ts: list[int]) -> None:
    """Insert the batch's staleness markers; one already stored is kept (idempotent)."""
    pairs = sorted(set(zip(series_ids.tolist(), ts, strict=True)))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {StaleMark._meta.db_table} (series_id, ts) VALUES (%s, %s) "
            "ON CONFLICT (series_id, ts) DO NOTHING",
            pairs,
        )


def _mark_pending(rows: Written) -> None:
    """One row for the rollup job: the batch's time range and its series (rows are sorted)."""
    first = np.r_[True, rows.series_ids[1:] != rows.series_ids[:-1]]
    series = rows.series_ids[first].astype("<i8").tobytes()
    with connection.cursor() as cursor:  # no model instance, no RETURNING
        cursor.execute(
            f"INSERT INTO {RollupPending._meta.db_table} (min_ts, max_ts, series) "
            "VALUES (%s, %s, %s)",
            [int(rows.ts.min()), int(rows.ts.max()), series],
        )
