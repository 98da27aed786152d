"""Scrape results -> one ``Batch`` through the ingestion write path (vectorised series
resolution, COPY, one commit, one live publish), then the targets' state rows."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.db import close_old_connections, connection

from metrics.api.ingest_views import store
from metrics.ingest import Batch
from metrics.ingest.rules import Window
from prom.models import ScrapeTarget
from prom.scraper.state import MS_US, Result

logger = logging.getLogger(__name__)
STATE_SQL = (
    f"UPDATE {ScrapeTarget._meta.db_table} SET health = %s, last_scrape = %s, "
    "last_duration_s = %s, last_samples = %s, last_error = %s WHERE id = %s"
)


def to_batch(results: list[Result], window: Window) -> tuple[Batch, int]:
    """The batch of every result, and how many samples fell outside the accepted time
    window (a target's own timestamps too old or too far ahead: dropped, like Prometheus's
    out-of-bounds samples)."""
    batch = Batch()
    position = batch.series_position
    derived_hosts = batch.derived_hosts
    dropped = 0
    oldest, newest = window.oldest_us, window.newest_us
    for result in results:
        for (key, derived), stamp, value in zip(
            result.keys, result.ts_ms, result.values, strict=True
        ):
            ts = stamp * MS_US
            if not oldest <= ts <= newest:
                dropped += 1
                continue
            pos = position(key)
            if derived:
                derived_hosts[pos] = derived
            batch.add(pos, ts, value)
        stale_ts = result.started_ms * MS_US
        for key, derived in result.stale:
            pos = position(key)
            if derived:
                derived_hosts[pos] = derived
            batch.stale_index.append(pos)
            batch.stale_ts.append(stale_ts)
        batch.meta.update(result.meta)
    return batch, dropped


def record_state(results: list[Result]) -> None:
    """The last scrape of each target, on its row (other columns untouched; one statement
    run for every row: Django's ``bulk_update`` spent ~9 ms a row building expressions)."""
    latest: dict[int, Result] = {}
    for result in results:
        if not result.gone:
            latest[result.target_id] = result
    rows = [
        (
            ScrapeTarget.Health.UP if r.up else ScrapeTarget.Health.DOWN,
            datetime.fromtimestamp(r.started_ms / 1000, tz=UTC),
            round(r.duration_s, 6),
            r.samples,
            r.error,
            r.target_id,
        )
        for r in latest.values()
    ]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(STATE_SQL, rows)


def write_results(results: list[Result]) -> int:
    """Write a flush's results (points, stale marks, metadata, then the targets' state);
    returns the points stored. A failure is logged and the results dropped: the scraper
    goes on (Prometheus drops samples its storage refuses, too)."""
    close_old_connections()
    try:
        batch, dropped = to_batch(results, Window.now())
        if dropped:
            logger.warning("scrape: %d samples outside the accepted time window dropped", dropped)
        stored = store(batch)
        record_state(results)
        return stored
    except Exception:
        logger.exception("scrape: writing %d scrape results failed", len(results))
        return 0
