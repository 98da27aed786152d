"""Data carried by migrations: series awaiting rollup stay pending across 0006; a series'
description becomes its help across 0008."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("metrics", "0005_series_fillfactor")]
AFTER = [("metrics", "0006_rollup_pending")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_series_not_yet_rolled_up_become_pending_rows():
    old = migrate(BEFORE)
    Series = old.get_model("metrics", "Series")
    dirty = Series.objects.create(name="a", key="0" * 32, rollup_from=10, last_ts=50)
    Series.objects.create(name="b", key="1" * 32, rollup_from=None, last_ts=70)
    try:
        new = migrate(AFTER)
        rows = list(new.get_model("metrics", "RollupPending").objects.values_list())
        assert len(rows) == 1
        _, lo, hi, series = rows[0]
        assert (lo, hi) == (10, 50)
        assert np.frombuffer(bytes(series), dtype="<i8").tolist() == [dirty.pk]
    finally:
        migrate_to_latest()


def test_a_description_becomes_the_help_and_series_start_untyped():
    old = migrate([("metrics", "0007_dashboard_moved")])
    old.get_model("metrics", "Series").objects.create(
        name="a", key="2" * 32, unit="s", description="request latency"
    )
    try:
        new = migrate([("metrics", "0008_series_types_stale_marks")])
        row = new.get_model("metrics", "Series").objects.get(name="a")
        assert (row.help, row.unit, row.type, row.host_from_instance) == (
            "request latency",
            "s",
            "unknown",
            False,
        )
    finally:
        migrate_to_latest()
