# Saved dashboards now belong to the dashboards app (dashboards 0001 takes over the same
# table): forget the model here without touching the database.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0006_rollup_pending"),
        ("dashboards", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel("Dashboard")]),
    ]
