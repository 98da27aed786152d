"""Metric types (issue 15): Series gains type and host_from_instance, description becomes
help (data kept), and Prometheus staleness markers get their own table."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0007_dashboard_moved"),
    ]

    operations = [
        migrations.RenameField(
            model_name="series",
            old_name="description",
            new_name="help",
        ),
        migrations.AlterField(
            model_name="series",
            name="help",
            field=models.TextField(
                blank=True, help_text="what the metric measures (Prometheus HELP)"
            ),
        ),
        migrations.AddField(
            model_name="series",
            name="host_from_instance",
            field=models.BooleanField(
                db_default=False,
                default=False,
                editable=False,
                help_text="host is the instance label's host, not a label of its own",
            ),
        ),
        migrations.AddField(
            model_name="series",
            name="type",
            field=models.CharField(
                choices=[
                    ("counter", "Counter"),
                    ("gauge", "Gauge"),
                    ("histogram", "Histogram"),
                    ("summary", "Summary"),
                    ("unknown", "Unknown"),
                ],
                db_default="unknown",
                default="unknown",
                max_length=16,
            ),
        ),
        migrations.CreateModel(
            name="StaleMark",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "series",
                        "ts",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("ts", models.BigIntegerField(help_text="µs since epoch")),
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
    ]
