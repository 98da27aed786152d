"""Ingestion stops updating series rows: latest values are read from the points, and
points awaiting rollup are recorded per batch in ``RollupPending`` (marks carried over)."""

import struct

from django.db import migrations, models


def carry_marks(apps, schema_editor):
    """Series marked as not yet rolled up become pending rows (their ranges kept)."""
    Series = apps.get_model("metrics", "Series")
    RollupPending = apps.get_model("metrics", "RollupPending")
    marked = Series.objects.filter(rollup_from__isnull=False).values_list(
        "id", "rollup_from", "last_ts"
    )
    RollupPending.objects.bulk_create(
        [
            RollupPending(min_ts=lo, max_ts=max(hi or lo, lo), series=struct.pack("<q", sid))
            for sid, lo, hi in marked.iterator()
        ],
        batch_size=2_000,
    )


def store_uncompressed(apps, schema_editor):
    """Series ids are written once and read once: not worth pglz's time (PostgreSQL)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE metrics_rolluppending ALTER COLUMN series SET STORAGE EXTERNAL"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0005_series_fillfactor"),
    ]

    operations = [
        migrations.CreateModel(
            name="RollupPending",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("min_ts", models.BigIntegerField(help_text="oldest point of the batch (µs)")),
                ("max_ts", models.BigIntegerField(help_text="newest point of the batch (µs)")),
                ("series", models.BinaryField()),
            ],
            options={
                "indexes": [models.Index(fields=["min_ts"], name="metrics_rol_min_ts_75dee8_idx")],
            },
        ),
        migrations.RunPython(store_uncompressed, migrations.RunPython.noop),
        migrations.RunPython(carry_marks, migrations.RunPython.noop),
        migrations.RemoveField(model_name="series", name="last_ts"),
        migrations.RemoveField(model_name="series", name="last_value"),
        migrations.RemoveField(model_name="series", name="rollup_from"),
        migrations.RemoveField(model_name="series", name="rollup_seq"),
    ]
