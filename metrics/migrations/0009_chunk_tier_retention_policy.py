"""The compressed tier's table and retention policies. On PostgreSQL the chunks' pcodec
blobs are stored out of line without pglz (``STORAGE EXTERNAL``): they are compressed."""

import django.db.models.deletion
from django.db import migrations, models


def external_storage(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for column in ("ts_data", "value_data"):
            schema_editor.execute(
                f"ALTER TABLE metrics_chunk ALTER COLUMN {column} SET STORAGE EXTERNAL"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0008_series_types_stale_marks"),
    ]

    operations = [
        migrations.CreateModel(
            name="RetentionPolicy",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "tier",
                    models.CharField(
                        choices=[
                            ("raw", "raw points (hot table and compressed chunks)"),
                            ("rollup1m", "1-minute rollups"),
                            ("rollup1h", "1-hour rollups"),
                        ],
                        max_length=16,
                    ),
                ),
                (
                    "pattern",
                    models.CharField(help_text="metric name pattern, e.g. cpu.*", max_length=200),
                ),
                ("keep", models.DurationField(help_text="age past which the data is deleted")),
                ("order", models.PositiveIntegerField(default=100, help_text="lower wins")),
            ],
            options={
                "verbose_name_plural": "retention policies",
                "ordering": ("tier", "order", "id"),
            },
        ),
        migrations.CreateModel(
            name="Chunk",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "series",
                        "start",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("start", models.BigIntegerField(help_text="window start, µs since epoch")),
                ("count", models.IntegerField()),
                ("first_ts", models.BigIntegerField()),
                ("last_ts", models.BigIntegerField()),
                ("min", models.FloatField(null=True)),
                ("max", models.FloatField(null=True)),
                ("sum", models.FloatField(null=True)),
                ("last", models.FloatField(null=True)),
                ("ts_data", models.BinaryField()),
                ("value_data", models.BinaryField()),
                (
                    "series",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="metrics.series",
                    ),
                ),
            ],
        ),
        migrations.RunPython(external_storage, migrations.RunPython.noop),
    ]
