"""Writes of the metrics app: ingestion, rollups, retention, series deletion."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import IntegrityError, transaction
from psycopg.errors import UniqueViolation

from metrics import instrumentation, partitions
from metrics.chunks.compact import Compacted, compact_points, cutoff_for
from metrics.ingest import Batch
from metrics.ingest.series_ids import forget_all
from metrics.ingest.writer import Written, write
from metrics.live import publish_points
from metrics.models import Chunk, Point, Rollup1h, Rollup1m, Series, StaleMark, series_key


def points_ingest(*, batch: Batch) -> int:
    """Write a validated batch atomically; commit before returning; publish after commit.

    Returns the number of distinct points stored (a point repeated within the batch
    counts once: the last value wins). Staleness markers and metadata are written too.
    """
    if batch.is_empty():
        return 0
    try:
        rows = _write(batch, overwrite=False)
    except (UniqueViolation, IntegrityError) as exc:
        if not isinstance(exc, UniqueViolation) and not isinstance(exc.__cause__, UniqueViolation):
            raise
        rows = _write(batch, overwrite=True)  # some points existed: a re-sent batch
    instrumentation.POINTS_INGESTED.inc(len(rows))
    return len(rows)


def _write(batch: Batch, *, overwrite: bool) -> Written:
    with transaction.atomic():
        rows = write(batch, overwrite=overwrite)
        if len(rows):
            publish_points(rows, rows.hosts)  # sends on commit
    return rows


def series_delete(*, series: Series) -> None:
    """Delete a series with its points, chunks and rollups (no database cascade on them)."""
    with transaction.atomic():
        for model in (Point, Chunk, StaleMark, Rollup1m, Rollup1h):
            model.objects.filter(series_id=series.pk).delete()
        series.delete()
    transaction.on_commit(forget_all)


def series_ensure(*, name: str, host: str, labels: dict[str, str], help_text: str) -> Series:
    """The series with this key, created without points when missing (with ``help_text`` as
    its help: alerts make one for a metric that never reported, so its absence can fire)."""
    series, _ = Series.objects.get_or_create(
        key=series_key(name, host, labels),
        defaults={"name": name, "host": host, "labels": labels, "help": help_text},
    )
    return series


def series_units_describe(*, units: dict[str, str], host: str | None = None) -> int:
    """Give the series of these metric names (on ``host`` if given) their unit where they
    have none yet (a user's unit is kept); returns how many changed. Senders that know
    their metrics (the simulator, the demo target) describe them this way."""
    changed = 0
    for name, unit in units.items():
        rows = Series.objects.filter(name=name, unit="")
        if host is not None:
            rows = rows.filter(host=host)
        changed += rows.update(unit=unit[:32])
    return changed


def points_compact(*, older_than_us: int | None = None, now_us: int | None = None) -> Compacted:
    """Move raw points older than ``older_than_us`` (default: the hot window) into chunks,
    drop the hot table's partitions that emptied and make the coming ones (PostgreSQL)."""
    if older_than_us is None:
        older_than_us = int(settings.HYDRA_HOT_WINDOW.total_seconds() * 1_000_000)
    now_us = now_us if now_us is not None else int(time.time() * 1_000_000)
    done = compact_points(older_than_us=older_than_us, now_us=now_us)
    done.dropped = partitions.drop_compacted(cutoff_for(older_than_us, now_us))
    partitions.ensure(now_us)
    return done
