"""Rollup maintenance: recompute 1-minute and 1-hour buckets for the ranges that changed.

Ingestion marks each series with the oldest point it wrote since the last rollup
(``rollup_from``) and bumps ``rollup_seq``. This job recomputes the affected buckets from
raw points in chunks of series (a few statements per chunk, not per series; idempotent,
so overwrites and late points are handled), then clears each mark only if no new batch
arrived meanwhile (conditional update on ``rollup_seq``).
"""

from __future__ import annotations

from django.db import connection, transaction

from metrics.models import Rollup1h, Rollup1m, Series

TIERS = ((Rollup1m.WIDTH_US, "metrics_rollup1m"), (Rollup1h.WIDTH_US, "metrics_rollup1h"))
CHUNK = 500
Dirty = tuple[int, int, int, int]  # series id, oldest unrolled ts, newest ts, seq


def _ranges_cte(dirty: list[Dirty], width: int) -> str:
    rows = ", ".join(
        f"({int(sid)}, {(lo // width) * width}, {(hi // width + 1) * width})"
        for sid, lo, hi, _ in dirty
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


def _clear(dirty: list[Dirty]) -> int:
    """Clear the marks of series that got no new batch since they were read."""
    pairs = ", ".join(f"({int(sid)}, {int(seq)})" for sid, _, _, seq in dirty)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH c(id, seq) AS (VALUES {pairs}) UPDATE metrics_series SET rollup_from = NULL "
            "WHERE EXISTS (SELECT 1 FROM c WHERE c.id = metrics_series.id AND c.seq = metrics_series.rollup_seq)"
        )
        return cursor.rowcount


def rollup_chunk(dirty: list[Dirty]) -> int:
    """Recompute a chunk of series; returns how many marks were cleared."""
    with transaction.atomic():
        _recompute(dirty)
        return _clear(dirty)


def rollup_series(series_id: int, rollup_from: int, last_ts: int, seq: int) -> bool:
    """Recompute one series' dirty range; True when its mark was cleared."""
    return rollup_chunk([(series_id, rollup_from, last_ts, seq)]) == 1


def rollups_update(*, limit: int = 100_000) -> int:
    """Roll up every series with unrolled points; returns how many were processed."""
    rows = (
        Series.objects.filter(rollup_from__isnull=False)
        .order_by("id")
        .values_list("id", "rollup_from", "last_ts", "rollup_seq")[:limit]
    )
    dirty: list[Dirty] = [
        (sid, lo, max(hi or lo, lo), seq) for sid, lo, hi, seq in rows if lo is not None
    ]
    for start in range(0, len(dirty), CHUNK):
        rollup_chunk(dirty[start : start + CHUNK])
    _summarize_brin()
    return len(dirty)


def _summarize_brin() -> None:
    """New block ranges of the BRIN time index are only used once summarised: do it each
    run (cheap) so reads of the last minutes stay on the newest blocks."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT brin_summarize_new_values('metrics_point_ts_brin')")
