"""Time indexes so "all series, last hour" doesn't scan the whole table.

PostgreSQL: a BRIN index on ``ts`` (points arrive roughly in time order, so block
ranges stay tight; tiny index, cheap to maintain). SQLite: a plain B-tree.
When the TimescaleDB extension is available, ``metrics_point`` becomes a hypertable.
"""

from django.db import migrations

TABLES = ("metrics_point", "metrics_rollup1m", "metrics_rollup1h")


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        col = "ts" if table == "metrics_point" else "bucket"
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{col}_brin ON {table} USING brin ({col}) "
                "WITH (pages_per_range = 32)"
            )
        else:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{col}_idx ON {table} ({col})"
            )
    if vendor == "postgresql":
        _timescale(schema_editor)


def _timescale(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")
        if cursor.fetchone() is None:
            return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS timescaledb")
    schema_editor.execute(
        "SELECT create_hypertable('metrics_point', 'ts', chunk_time_interval => 86400000000, "
        "migrate_data => true, if_not_exists => true)"
    )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        col = "ts" if table == "metrics_point" else "bucket"
        name = f"{table}_{col}_brin" if vendor == "postgresql" else f"{table}_{col}_idx"
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("metrics", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
