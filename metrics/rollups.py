"""Rollup maintenance: recompute 1-minute and 1-hour buckets for the ranges that changed.

Ingestion marks each series with the oldest point it wrote since the last rollup
(``rollup_from``) and bumps ``rollup_seq``. This job recomputes the affected buckets from
raw points (idempotent, so overwrites and late points are handled), then clears the mark
only if no new batch arrived meanwhile (conditional update on ``rollup_seq``).
"""

from __future__ import annotations

from django.db import connection, transaction

from metrics.models import Rollup1h, Rollup1m, Series

TIERS = ((Rollup1m.WIDTH_US, "metrics_rollup1m"), (Rollup1h.WIDTH_US, "metrics_rollup1h"))
BATCH_SERIES = 500

UPSERT = """
INSERT INTO {table} (series_id, bucket, count, sum, min, max)
SELECT series_id, (ts / {width}) * {width} AS b, COUNT(*), SUM(value), MIN(value), MAX(value)
FROM metrics_point WHERE series_id = %s AND ts >= %s AND ts < %s
GROUP BY series_id, b
ON CONFLICT (series_id, bucket) DO UPDATE SET
  count = EXCLUDED.count, sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max
"""


def _recompute(series_id: int, start_us: int, end_us: int) -> None:
    with connection.cursor() as cursor:
        for width, table in TIERS:
            lo = (start_us // width) * width
            hi = (end_us // width + 1) * width
            # buckets that lost all their points (deleted) must not linger
            cursor.execute(
                f"DELETE FROM {table} WHERE series_id = %s AND bucket >= %s AND bucket < %s",
                [series_id, lo, hi],
            )
            cursor.execute(UPSERT.format(table=table, width=width), [series_id, lo, hi])


def rollup_series(series_id: int, rollup_from: int, last_ts: int, seq: int) -> bool:
    """Recompute one series' dirty range; True when its mark was cleared."""
    with transaction.atomic():
        _recompute(series_id, rollup_from, last_ts)
        cleared = Series.objects.filter(pk=series_id, rollup_seq=seq).update(rollup_from=None)
    return bool(cleared)


def rollups_update(*, limit: int = 50_000) -> int:
    """Roll up every series with unrolled points; returns how many were processed."""
    dirty = (
        Series.objects.filter(rollup_from__isnull=False)
        .order_by("rollup_from")
        .values_list("id", "rollup_from", "last_ts", "rollup_seq")[:limit]
    )
    done = 0
    for series_id, start, last_ts, seq in dirty:
        assert start is not None  # filtered above
        rollup_series(series_id, start, max(last_ts or start, start), seq)
        done += 1
    return done
