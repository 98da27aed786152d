"""Rollup maintenance: recompute 1-minute and 1-hour buckets for the ranges that changed.

Each ingested batch leaves a ``RollupPending`` row (its series and time range). This job
reads the pending rows, merges them into one range per series, recomputes the affected
buckets from raw points in chunks of series (a few statements per chunk, not per series;
idempotent, so overwrites and late points are handled), then deletes the rows it read.
Rows committed meanwhile are left for the next run; a run that dies part-way leaves its
rows too (recomputing again is harmless), and so do two runs that overlap.
"""

from __future__ import annotations

import numpy as np
from django.db import connection, transaction

from metrics.models import Rollup1h, Rollup1m, RollupPending

TIERS = ((Rollup1m.WIDTH_US, "metrics_rollup1m"), (Rollup1h.WIDTH_US, "metrics_rollup1h"))
CHUNK = 500
PAGE = 2_000  # pending rows (ingested batches) merged at a time: ~16 MB of 1,000-series ids
PAGES_PER_RUN = 50
Dirty = tuple[int, int, int]  # series id, oldest unrolled ts, newest ts


def _ranges_cte(dirty: list[Dirty], width: int) -> str:
    rows = ", ".join(
        f"({int(sid)}, {(lo // width) * width}, {(hi // width + 1) * width})"
        for sid, lo, hi in dirty
    )
    return f"WITH d(id, lo, hi) AS (VALUES {rows}) "


def _recompute(dirty: list[Dirty]) -> None:
    with connection.cursor() as cursor:
        for width, table in TIERS:
            cte = _ranges_cte(dirty, width)
            # buckets that lost all their points (deleted) must not linger
            cursor.execute(
                f"{cte}DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM d WHERE d.id = {table}.series_id "
                f"AND {table}.bucket >= d.lo AND {table}.bucket < d.hi)"
            )
            cursor.execute(
                f"{cte}INSERT INTO {table} (series_id, bucket, count, sum, min, max) "
                f"SELECT p.series_id, (p.ts / {width}) * {width} AS b, COUNT(*), SUM(p.value), "
                f"MIN(p.value), MAX(p.value) FROM metrics_point p, d "
                "WHERE p.series_id = d.id AND p.ts >= d.lo AND p.ts < d.hi "
                "GROUP BY p.series_id, b ORDER BY p.series_id, b "
                "ON CONFLICT (series_id, bucket) DO UPDATE SET count = EXCLUDED.count, "
                "sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max"
            )


def rollup_chunk(dirty: list[Dirty]) -> None:
    """Recompute the buckets of a chunk of (series, oldest, newest) ranges."""
    with transaction.atomic():
        _recompute(dirty)


def pending(limit: int = PAGE) -> tuple[list[int], list[Dirty]]:
    """(ids of the pending rows read, one merged range per series in them)."""
    rows = list(
        RollupPending.objects.order_by("id").values_list("id", "min_ts", "max_ts", "series")[:limit]
    )
    if not rows:
        return [], []
    series = [np.frombuffer(bytes(blob), dtype="<i8") for _, _, _, blob in rows]
    sizes = [len(s) for s in series]
    sids = np.concatenate(series)
    lo = np.repeat([r[1] for r in rows], sizes)
    hi = np.repeat([r[2] for r in rows], sizes)
    order = np.argsort(sids, kind="stable")
    sids, lo, hi = sids[order], lo[order], hi[order]
    starts = np.flatnonzero(np.r_[True, sids[1:] != sids[:-1]])
    merged = zip(
        sids[starts].tolist(),
        np.minimum.reduceat(lo, starts).tolist(),
        np.maximum.reduceat(hi, starts).tolist(),
        strict=True,
    )
    return [r[0] for r in rows], list(merged)


def rollups_update(*, pages: int = PAGES_PER_RUN) -> int:
    """Roll up what the pending rows name, a page of rows at a time; returns how many
    series ranges were recomputed."""
    done = 0
    for _ in range(pages):
        ids, dirty = pending()
        if not ids:
            break
        for start in range(0, len(dirty), CHUNK):
            rollup_chunk(dirty[start : start + CHUNK])
        RollupPending.objects.filter(id__in=ids).delete()
        done += len(dirty)
    _summarize_brin()
    return done


def _summarize_brin() -> None:
    """New block ranges of the BRIN time index are only used once summarised: do it each
    run (cheap) so reads of the last minutes stay on the newest blocks. Partitioned, each
    partition has its own BRIN index (relkind 'i'; the parent's own is 'I')."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT brin_summarize_new_values(c.oid) FROM pg_class c "
                "JOIN pg_am a ON a.oid = c.relam JOIN pg_index i ON i.indexrelid = c.oid "
                "WHERE a.amname = 'brin' AND c.relkind = 'i' "
                "AND i.indrelid IN (SELECT inhrelid FROM pg_inherits "
                "WHERE inhparent = 'metrics_point'::regclass UNION SELECT 'metrics_point'::regclass)"
            )
