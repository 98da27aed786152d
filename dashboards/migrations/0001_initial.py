# Saved dashboards move from the metrics app; the table (metrics_dashboard) and its rows stay
# where they are: this migration only changes Django's state, then hands the content type over
# so permissions on dashboards carry across.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _adopt_old_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label="dashboards", model="dashboard").exists():
        content_type.objects.filter(app_label="metrics", model="dashboard").update(
            app_label="dashboards"
        )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("metrics", "0006_rollup_pending"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Dashboard",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("title", models.CharField(max_length=200)),
                        (
                            "shared",
                            models.BooleanField(
                                default=True, help_text="visible to the whole team"
                            ),
                        ),
                        ("definition", models.JSONField(default=dict)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="dashboards",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "metrics_dashboard", "ordering": ["title", "id"]},
                ),
            ]
        ),
        migrations.RunPython(_adopt_old_content_type, migrations.RunPython.noop),
    ]
