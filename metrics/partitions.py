"""PostgreSQL: the hot raw table ``metrics_point`` and the 1-minute rollups
``metrics_rollup1m`` are partitioned by time, so compaction returns the space of what it
moved (and of the rollups it no longer needs) by dropping whole partitions: no DELETE left
behind for VACUUM, no VACUUM FULL.

One partition per chunk window (``codec.WIDTH_US``, 6 h), named after its start in UTC
(``metrics_point_p20261205_06``), plus a DEFAULT partition that takes whatever no window
partition covers: backfill and late points into windows already dropped, points sent ahead
of the partitions made, and, after the upgrade, every row stored before it (migrations
0010 and 0011). Compaction empties the default partition's windows like any other's.

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

SQLite (embedded mode) and TimescaleDB hypertables keep plain tables: everything here
does nothing there.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import DatabaseError, connection, transaction

from metrics.chunks.codec import WIDTH_US, window_of

logger = logging.getLogger(__name__)
US = 1_000_000
AHEAD = 4  # windows made ahead of the current one: a day
LOCK_TIMEOUT = "500ms"


@dataclass(frozen=True)
class Table:
    """A table partitioned by window on ``column`` (µs), keyed by (series_id, column)."""

    name: str
    column: str
    columns: str  # the columns, as in CREATE TABLE

    @property
    def prefix(self) -> str:
        return f"{self.name}_p"

    @property
    def column_names(self) -> str:
        return ", ".join(c.split()[0] for c in self.columns.split(", "))

    def create_sql(self, name: str) -> str:
        return f"CREATE TABLE {name} ({self.columns}, PRIMARY KEY (series_id, {self.column}))"


POINTS = Table(
    "metrics_point", "ts", "ts bigint NOT NULL, value double precision NOT NULL, "
    "series_id bigint NOT NULL"
)  # fmt: skip
ROLLUPS_1M = Table(
    "metrics_rollup1m", "bucket", "bucket bigint NOT NULL, count integer NOT NULL, "
    "sum double precision NOT NULL, min double precision NOT NULL, "
    "max double precision NOT NULL, series_id bigint NOT NULL"
)  # fmt: skip
TABLES = (POINTS, ROLLUPS_1M)


def name_for(window_us: int, table: Table = POINTS) -> str:
    start = datetime.fromtimestamp(window_us / US, tz=UTC)
    return f"{table.prefix}{start:%Y%m%d_%H}"


def window_for(name: str, table: Table = POINTS) -> int:
    start = datetime.strptime(name.removeprefix(table.prefix), "%Y%m%d_%H")
    return int(start.replace(tzinfo=UTC).timestamp()) * US


def partitioned(table: Table = POINTS) -> bool:
    """Whether ``table`` is a partitioned table here (PostgreSQL after migration 0010/0011)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table.name])
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def _tables(attached: bool, table: Table = POINTS) -> list[str]:
    """Window partitions attached to ``table`` (or tables of such a name detached)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c LEFT JOIN pg_inherits i ON i.inhrelid = c.oid "
            "WHERE c.relkind = 'r' AND c.relname ~ %s AND (i.inhparent IS NOT NULL) = %s "
            "ORDER BY c.relname",
            [f"^{table.prefix}[0-9]{{8}}_[0-9]{{2}}$", attached],
        )
        return [name for (name,) in cursor.fetchall()]


def ensure(now_us: int | None = None) -> list[str]:
    """Make the partitions of the current window and ``AHEAD`` more, in every partitioned
    table; returns those made."""
    now_us = now_us if now_us is not None else int(time.time() * US)
    first = window_of(now_us)
    made = []
    for table in (t for t in TABLES if partitioned(t)):
        have = set(_tables(attached=True, table=table))
        for window in (first + i * WIDTH_US for i in range(AHEAD + 1)):
            name = name_for(window, table)
            if name not in have and _create(window, table):
                made.append(name)
    return made


def _create(window_us: int, table: Table) -> bool:
    name = name_for(window_us, table)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(table.create_sql(name))
            cursor.execute(  # attaching takes a lock writers don't wait for
                f"ALTER TABLE {table.name} ATTACH PARTITION {name} "
                f"FOR VALUES FROM ({window_us}) TO ({window_us + WIDTH_US})"
            )
    except DatabaseError as exc:  # the default partition holds rows of the window
        logger.info("partition %s not made: %s", name, exc)
        return False
    return True


def drop_compacted(cutoff_us: int) -> list[str]:
    """Drop the window partitions that end at or before ``cutoff_us`` and hold no row, in
    every partitioned table; returns those dropped."""
    dropped = []
    for table in (t for t in TABLES if partitioned(t)):
        for name in _tables(attached=False, table=table):  # left detached by a crash
            _absorb(name, table)
        for name in _tables(attached=True, table=table):
            ended = window_for(name, table) + WIDTH_US <= cutoff_us
            if ended and _empty(name) and _detach(name, table):
                _absorb(name, table)
                dropped.append(name)
    return dropped


def _empty(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {name})")
        return bool(cursor.fetchone()[0])


def _detach(name: str, table: Table = POINTS) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            cursor.execute(f"ALTER TABLE {table.name} DETACH PARTITION {name}")
    except DatabaseError as exc:  # busy: the next run tries again
        logger.info("partition %s not detached: %s", name, exc)
        return False
    return True


def _absorb(name: str, table: Table = POINTS) -> None:
    """Move a detached partition's rows (written between the check and the detach) into
    the table again, then drop it: one transaction. A row written since, to the default
    partition, is newer and is kept."""
    columns = table.column_names
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM {name} "
            f"ON CONFLICT (series_id, {table.column}) DO NOTHING"
        )
        if cursor.rowcount:
            logger.warning("partition %s: %d late row(s) moved", name, cursor.rowcount)
        cursor.execute(f"DROP TABLE {name}")


def partition_table(schema_editor, table: Table) -> None:
    """Migration: ``table`` becomes partitioned; its rows stay, in the DEFAULT partition
    (attaching scans it once). The windows after its newest row get partitions first."""
    run = schema_editor.execute
    default = f"{table.name}_default"
    run(f"ALTER TABLE {table.name} RENAME TO {default}")
    run(f"ALTER INDEX {table.name}_pkey RENAME TO {default}_pkey")
    brin = f"{table.name}_{table.column}_brin"
    run(f"ALTER INDEX IF EXISTS {brin} RENAME TO {default}_{table.column}_brin")
    run(f"{table.create_sql(table.name)} PARTITION BY RANGE ({table.column})")
    run(f"CREATE INDEX {brin} ON {table.name} {_brin(table)}")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT max({table.column}) FROM {default}")
        (newest,) = cursor.fetchone()
    now = window_of(int(time.time() * US))
    first = now if newest is None else max(now, window_of(int(newest)) + WIDTH_US)
    for lo in (first + i * WIDTH_US for i in range(AHEAD + 1)):  # no default yet: no scan
        run(
            f"CREATE TABLE {name_for(lo, table)} PARTITION OF {table.name} "
            f"FOR VALUES FROM ({lo}) TO ({lo + WIDTH_US})"
        )
    run(f"ALTER TABLE {table.name} ATTACH PARTITION {default} DEFAULT")


def unpartition_table(schema_editor, table: Table) -> None:
    """Migration, backwards: a plain table again, with every row."""
    run, plain = schema_editor.execute, f"{table.name}_plain"
    run(table.create_sql(plain))
    run(f"INSERT INTO {plain} SELECT {table.column_names} FROM {table.name}")
    run(f"DROP TABLE {table.name}")  # and every partition
    run(f"ALTER TABLE {plain} RENAME TO {table.name}")
    run(f"ALTER INDEX {plain}_pkey RENAME TO {table.name}_pkey")
    run(f"CREATE INDEX {table.name}_{table.column}_brin ON {table.name} {_brin(table)}")


def _brin(table: Table) -> str:
    return f"USING brin ({table.column}) WITH (pages_per_range = 32)"


def relkind(schema_editor, table: Table) -> str | None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table.name])
        row = cursor.fetchone()
    return None if row is None else row[0]
