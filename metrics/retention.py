"""Retention: delete raw points and rollups past their tier's age, in small batches
(each its own short transaction) so ingestion is never held up."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection, transaction

TABLES = (
    ("metrics_point", "ts", "HYDRA_RETENTION_RAW"),
    ("metrics_stalemark", "ts", "HYDRA_RETENTION_RAW"),
    ("metrics_rollup1m", "bucket", "HYDRA_RETENTION_1M"),
    ("metrics_rollup1h", "bucket", "HYDRA_RETENTION_1H"),
)


def _delete_batch(table: str, column: str, cutoff_us: int, batch: int) -> int:
    rowid = "ctid" if connection.vendor == "postgresql" else "rowid"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE {rowid} IN "
            f"(SELECT {rowid} FROM {table} WHERE {column} < %s LIMIT %s)",
            [cutoff_us, batch],
        )
        return cursor.rowcount


def retention_enforce(*, now_us: int | None = None, batch: int | None = None) -> dict[str, int]:
    """Delete what is older than each tier's retention; returns rows deleted per table."""
    now_us = now_us if now_us is not None else int(time.time() * 1_000_000)
    batch = batch or settings.HYDRA_RETENTION_BATCH
    deleted = {}
    for table, column, setting in TABLES:
        cutoff = now_us - int(getattr(settings, setting).total_seconds() * 1_000_000)
        total = 0
        while (n := _delete_batch(table, column, cutoff, batch)) > 0:
            total += n
        deleted[table] = total
    return deleted
