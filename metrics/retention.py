"""Retention: delete raw points, chunks and rollups past their tier's age, in small
batches (each its own short transaction) so ingestion is never held up.

Each tier's age is its setting (``HYDRA_RETENTION_RAW``: the hot table and the compressed
chunks; ``HYDRA_RETENTION_1M``, ``HYDRA_RETENTION_1H``), or for the series whose metric
name matches a ``RetentionPolicy`` of that tier, the first matching policy's (by ``order``).
Chunks are dropped whole: a chunk goes when its whole 6-hour window is past the age.
"""

from __future__ import annotations

import fnmatch
import time
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction

from metrics.chunks.codec import WIDTH_US
from metrics.models import RetentionPolicy, RetentionTier, Series

US = 1_000_000
# tier -> (table, time column, how far the row's time reaches past it)
TABLES = {
    RetentionTier.RAW: (
        ("metrics_point", "ts", 0),
        ("metrics_stalemark", "ts", 0),
        ("metrics_chunk", "start", WIDTH_US),
    ),
    RetentionTier.ROLLUP_1M: (("metrics_rollup1m", "bucket", 0),),
    RetentionTier.ROLLUP_1H: (("metrics_rollup1h", "bucket", 0),),
}
SETTINGS = {
    RetentionTier.RAW: "HYDRA_RETENTION_RAW",
    RetentionTier.ROLLUP_1M: "HYDRA_RETENTION_1M",
    RetentionTier.ROLLUP_1H: "HYDRA_RETENTION_1H",
}
IDS_PER_DELETE = 500


def _delete_batch(table: str, where: str, params: list, batch: int) -> int:
    # a ctid is unique within one table only: a partitioned table's rows need their tableoid
    rowid = "tableoid, ctid" if connection.vendor == "postgresql" else "rowid"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE ({rowid}) IN "
            f"(SELECT {rowid} FROM {table} WHERE {where} LIMIT %s)",
            [*params, batch],
        )
        return cursor.rowcount


def _delete_older(
    table: str,
    column: str,
    reach: int,
    cutoff: int,
    ids: list[int] | None,
    exclude: bool,
    batch: int,
) -> int:
    """Delete rows whose time (+ reach) is at or before ``cutoff``: of the series ``ids``,
    of all series but them (``exclude``), or of all series (``ids`` None)."""
    where = f"{column} + {reach} <= %s" if reach else f"{column} < %s"
    pieces: list[list[int] | None] = [None]
    if ids is not None and not exclude:
        pieces = [ids[i : i + IDS_PER_DELETE] for i in range(0, len(ids), IDS_PER_DELETE)]
    total = 0
    for piece in pieces:
        clause = where
        if piece is not None:
            clause += f" AND series_id IN ({','.join(str(int(i)) for i in piece)})"
        elif ids:  # every series but the ones with a policy
            clause += f" AND series_id NOT IN ({','.join(str(int(i)) for i in ids)})"
        while (n := _delete_batch(table, clause, [cutoff], batch)) > 0:
            total += n
    return total


def policy_groups(tier: str) -> dict[float, list[int]]:
    """keep (seconds) -> ids of the series whose first matching policy of ``tier`` says so."""
    policies = list(RetentionPolicy.objects.filter(tier=tier).order_by("order", "id"))
    if not policies:
        return {}
    groups: dict[float, list[int]] = defaultdict(list)
    by_name: dict[str, list[int]] = defaultdict(list)
    for sid, name in Series.objects.values_list("id", "name").iterator():
        by_name[name].append(sid)
    for name, ids in by_name.items():
        for policy in policies:
            if fnmatch.fnmatchcase(name, policy.pattern):
                groups[policy.keep.total_seconds()].extend(ids)
                break
    return groups


def retention_enforce(*, now_us: int | None = None, batch: int | None = None) -> dict[str, int]:
    """Delete what is older than each tier's retention; returns rows deleted per table."""
    now_us = now_us if now_us is not None else int(time.time() * US)
    batch = batch or settings.HYDRA_RETENTION_BATCH
    deleted: dict[str, int] = defaultdict(int)
    for tier, tables in TABLES.items():
        default_cutoff = now_us - int(getattr(settings, SETTINGS[tier]).total_seconds() * US)
        groups = policy_groups(tier)
        with_policy = sorted(sid for ids in groups.values() for sid in ids)
        for table, column, reach in tables:
            deleted[table] += _delete_older(
                table, column, reach, default_cutoff, with_policy or None, True, batch
            )
            for keep_s, ids in groups.items():
                cutoff = now_us - int(keep_s * US)
                deleted[table] += _delete_older(table, column, reach, cutoff, ids, False, batch)
    return dict(deleted)
