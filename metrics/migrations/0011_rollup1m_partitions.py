"""PostgreSQL: ``metrics_rollup1m`` becomes a table partitioned by time, like the points
(``metrics.partitions``): compaction drops the 1-minute rollups of compacted windows with
their partitions instead of deleting them row by row. Its rows stay, in the DEFAULT
partition. SQLite is left as it is."""

from django.db import migrations

from metrics.partitions import ROLLUPS_1M, partition_table, relkind, unpartition_table


def partition(apps, schema_editor):
    if (
        schema_editor.connection.vendor == "postgresql"
        and relkind(schema_editor, ROLLUPS_1M) == "r"
    ):
        partition_table(schema_editor, ROLLUPS_1M)


def unpartition(apps, schema_editor):
    if (
        schema_editor.connection.vendor == "postgresql"
        and relkind(schema_editor, ROLLUPS_1M) == "p"
    ):
        unpartition_table(schema_editor, ROLLUPS_1M)


class Migration(migrations.Migration):
    dependencies = [("metrics", "0010_point_partitions")]
    operations = [migrations.RunPython(partition, unpartition)]
