"""PostgreSQL: ``metrics_point`` becomes a table partitioned by time (``metrics.partitions``).

The points already stored stay where they are: the old table becomes the DEFAULT partition
(renamed ``metrics_point_default``; attaching it scans it once), and compaction moves them
into chunks as before. Window partitions are made for the windows after the newest point
stored (the current window's points are in the default partition already) and, from then
on, by the compaction job. SQLite and TimescaleDB hypertables are left as they are.
"""

import time

from django.db import migrations

from metrics.chunks.codec import WIDTH_US, window_of
from metrics.partitions import AHEAD, COLUMNS, name_for

BRIN = "USING brin (ts) WITH (pages_per_range = 32)"


def _applies(schema_editor) -> bool:
    if schema_editor.connection.vendor != "postgresql":
        return False
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass('metrics_point')")
        (kind,) = cursor.fetchone()
        cursor.execute(
            "SELECT 1 FROM pg_extension e JOIN pg_class c ON c.relname = 'metrics_point' "
            "WHERE e.extname = 'timescaledb' AND EXISTS (SELECT 1 FROM pg_inherits "
            "WHERE inhparent = c.oid)"
        )
        hypertable = cursor.fetchone() is not None
    return kind == "r" and not hypertable


def _first_window(schema_editor) -> int:
    """The window after the newest point stored, or the current one."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT max(ts) FROM metrics_point_default")
        (newest,) = cursor.fetchone()
    now = window_of(int(time.time() * 1_000_000))
    return now if newest is None else max(now, window_of(int(newest)) + WIDTH_US)


def partition(apps, schema_editor):
    if not _applies(schema_editor):
        return
    run = schema_editor.execute
    run("ALTER TABLE metrics_point RENAME TO metrics_point_default")
    run("ALTER INDEX metrics_point_pkey RENAME TO metrics_point_default_pkey")
    run("ALTER INDEX IF EXISTS metrics_point_ts_brin RENAME TO metrics_point_default_ts_brin")
    run(
        f"CREATE TABLE metrics_point ({COLUMNS}, PRIMARY KEY (series_id, ts)) PARTITION BY RANGE (ts)"
    )
    run(f"CREATE INDEX metrics_point_ts_brin ON metrics_point {BRIN}")
    first = _first_window(schema_editor)
    for i in range(AHEAD + 1):  # before the default partition: nothing to scan
        lo = first + i * WIDTH_US
        run(
            f"CREATE TABLE {name_for(lo)} PARTITION OF metrics_point "
            f"FOR VALUES FROM ({lo}) TO ({lo + WIDTH_US})"
        )
    run("ALTER TABLE metrics_point ATTACH PARTITION metrics_point_default DEFAULT")


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass('metrics_point')")
        if cursor.fetchone()[0] != "p":
            return
    run = schema_editor.execute
    run(f"CREATE TABLE metrics_point_plain ({COLUMNS}, PRIMARY KEY (series_id, ts))")
    run("INSERT INTO metrics_point_plain SELECT ts, value, series_id FROM metrics_point")
    run("DROP TABLE metrics_point")  # and every partition
    run("ALTER TABLE metrics_point_plain RENAME TO metrics_point")
    run("ALTER INDEX metrics_point_plain_pkey RENAME TO metrics_point_pkey")
    run(f"CREATE INDEX metrics_point_ts_brin ON metrics_point {BRIN}")


class Migration(migrations.Migration):
    dependencies = [("metrics", "0009_chunk_tier_retention_policy")]
    operations = [migrations.RunPython(partition, unpartition)]
