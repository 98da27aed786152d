"""Leave room in metrics_series pages so the per-batch UPDATE of last_ts/last_value is a
HOT update (no index is touched). PostgreSQL only."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE metrics_series SET (fillfactor = 50)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE metrics_series RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("metrics", "0004_lean_series_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
