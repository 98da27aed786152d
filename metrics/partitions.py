"""PostgreSQL: the hot raw table ``metrics_point`` is partitioned by time, so compaction
returns the space of what it moved by dropping a whole partition: no DELETE left behind for
VACUUM, no VACUUM FULL.

One partition per chunk window (``codec.WIDTH_US``, 6 h), named after its start in UTC
(``metrics_point_p20261205_06``), plus a DEFAULT partition that takes whatever no window
partition covers: backfill and late points into windows already dropped, points sent ahead
of the partitions made, and, after the upgrade, every point stored before it (migration
0010). Compaction moves the default partition's points into chunks like any other's.

- ``ensure`` makes the partitions of the current window and ``AHEAD`` windows after it
  (the compaction job runs it every 15 minutes, and ``migrate`` once). A window that
  already has points in the default partition is left to it (PostgreSQL would refuse the
  partition); its points are compacted from there.
- ``drop_compacted`` drops the window partitions that end before the compaction cutoff and
  hold no point. Detaching takes the table's strongest lock for a moment (with a short
  ``lock_timeout``: a busy table is tried again at the next run); a point written into the
  window between the check and the detach is moved into the table again before the
  partition is dropped, in one transaction, and a detached partition left by a crash is
  finished the same way at the next run.

SQLite (embedded mode) and TimescaleDB hypertables keep a plain table: everything here
does nothing there.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from django.db import DatabaseError, connection, transaction

from metrics.chunks.codec import WIDTH_US, window_of

logger = logging.getLogger(__name__)
US = 1_000_000
TABLE = "metrics_point"
PREFIX = f"{TABLE}_p"
AHEAD = 4  # windows made ahead of the current one: a day
LOCK_TIMEOUT = "500ms"
COLUMNS = "ts bigint NOT NULL, value double precision NOT NULL, series_id bigint NOT NULL"


def name_for(window_us: int) -> str:
    start = datetime.fromtimestamp(window_us / US, tz=UTC)
    return f"{PREFIX}{start:%Y%m%d_%H}"


def window_for(name: str) -> int:
    start = datetime.strptime(name.removeprefix(PREFIX), "%Y%m%d_%H").replace(tzinfo=UTC)
    return int(start.timestamp()) * US


def partitioned() -> bool:
    """Whether ``metrics_point`` is a partitioned table here (PostgreSQL after migration 0010)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def _tables(attached: bool) -> list[str]:
    """Window partitions attached to ``metrics_point`` (or tables of that name detached)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c LEFT JOIN pg_inherits i ON i.inhrelid = c.oid "
            "WHERE c.relkind = 'r' AND c.relname LIKE %s AND (i.inhparent IS NOT NULL) = %s "
            "ORDER BY c.relname",
            [PREFIX.replace("_", r"\_") + "%", attached],
        )
        return [name for (name,) in cursor.fetchall()]


def ensure(now_us: int | None = None) -> list[str]:
    """Make the partitions of the current window and ``AHEAD`` more; returns those made."""
    if not partitioned():
        return []
    now_us = now_us if now_us is not None else int(time.time() * US)
    have = set(_tables(attached=True))
    first = window_of(now_us)
    wanted = (first + i * WIDTH_US for i in range(AHEAD + 1))
    return [name_for(w) for w in wanted if name_for(w) not in have and _create(w)]


def _create(window_us: int) -> bool:
    name = name_for(window_us)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {name} ({COLUMNS}, PRIMARY KEY (series_id, ts))")
            cursor.execute(  # attaching takes a lock writers don't wait for
                f"ALTER TABLE {TABLE} ATTACH PARTITION {name} "
                f"FOR VALUES FROM ({window_us}) TO ({window_us + WIDTH_US})"
            )
    except DatabaseError as exc:  # the default partition holds points of the window
        logger.info("partition %s not made: %s", name, exc)
        return False
    return True


def drop_compacted(cutoff_us: int) -> list[str]:
    """Drop the window partitions that end at or before ``cutoff_us`` and hold no point;
    returns those dropped."""
    if not partitioned():
        return []
    for name in _tables(attached=False):  # left detached by a crash
        _absorb(name)
    dropped = []
    for name in _tables(attached=True):
        if window_for(name) + WIDTH_US <= cutoff_us and _empty(name) and _detach(name):
            _absorb(name)
            dropped.append(name)
    return dropped


def _empty(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {name})")
        return bool(cursor.fetchone()[0])


def _detach(name: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
    except DatabaseError as exc:  # busy: the next run tries again
        logger.info("partition %s not detached: %s", name, exc)
        return False
    return True


def _absorb(name: str) -> None:
    """Move a detached partition's points (written between the check and the detach) into
    the table again, then drop it: one transaction. A point written since, to the default
    partition, is newer and is kept."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (series_id, ts, value) SELECT series_id, ts, value "
            f"FROM {name} ON CONFLICT (series_id, ts) DO NOTHING"
        )
        if cursor.rowcount:
            logger.warning("partition %s: %d late point(s) moved", name, cursor.rowcount)
        cursor.execute(f"DROP TABLE {name}")
