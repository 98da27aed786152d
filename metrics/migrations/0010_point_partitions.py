"""PostgreSQL: ``metrics_point`` becomes a table partitioned by time (``metrics.partitions``).

The points already stored stay where they are: the old table becomes the DEFAULT partition
(renamed ``metrics_point_default``; attaching it scans it once), and compaction moves them
into chunks as before. Window partitions are made for the windows after the newest point
stored (the current window's points are in the default partition already) and, from then
on, by the compaction job. SQLite and TimescaleDB hypertables are left as they are.
"""

from django.db import migrations

from metrics.partitions import POINTS, partition_table, relkind, unpartition_table


def _hypertable(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_extension e JOIN pg_class c ON c.relname = 'metrics_point' "
            "WHERE e.extname = 'timescaledb' AND EXISTS (SELECT 1 FROM pg_inherits "
            "WHERE inhparent = c.oid)"
        )
        return cursor.fetchone() is not None


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    if relkind(schema_editor, POINTS) == "r" and not _hypertable(schema_editor):
        partition_table(schema_editor, POINTS)


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql" and relkind(schema_editor, POINTS) == "p":
        unpartition_table(schema_editor, POINTS)


class Migration(migrations.Migration):
    dependencies = [("metrics", "0009_chunk_tier_retention_policy")]
    operations = [migrations.RunPython(partition, unpartition)]
