"""Data carried by migrations: series awaiting rollup stay pending across 0006; a series'
description becomes its help across 0008; the points table becomes partitioned across
0010 (PostgreSQL) with its points, and back, and so do the 1-minute rollups across 0011."""

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


def _points_table() -> tuple[str, list[tuple[int, int, float]]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = 'metrics_point'::regclass")
        (kind,) = cursor.fetchone()
        cursor.execute("SELECT series_id, ts, value FROM metrics_point ORDER BY series_id, ts")
        return kind, cursor.fetchall()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning is PostgreSQL's")
def test_the_points_table_becomes_partitioned_with_its_points_and_back():
    migrate([("metrics", "0009_chunk_tier_retention_policy")])
    rows = [(1, 1_000_000, 1.5), (1, 2_000_000, 2.5), (2, 1_000_000, -1.0)]
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO metrics_point (series_id, ts, value) VALUES (%s, %s, %s)", rows
        )
    try:
        migrate([("metrics", "0010_point_partitions")])
        assert _points_table() == ("p", rows)
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT tableoid::regclass::text FROM metrics_point")
            assert cursor.fetchall() == [("metrics_point_default",)]
        migrate([("metrics", "0009_chunk_tier_retention_policy")])
        assert _points_table() == ("r", rows)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM metrics_point")
        migrate_to_latest()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning is PostgreSQL's")
def test_the_minute_rollups_become_partitioned_with_their_rows_and_back():
    migrate([("metrics", "0010_point_partitions")])
    row = (1, 60_000_000, 3, 6.0, 1.0, 3.0)
    query = "SELECT series_id, bucket, count, sum, min, max FROM metrics_rollup1m"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO metrics_rollup1m (series_id, bucket, count, sum, min, max) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            row,
        )
    try:
        migrate([("metrics", "0011_rollup1m_partitions")])
        with connection.cursor() as cursor:
            cursor.execute("SELECT relkind FROM pg_class WHERE oid = 'metrics_rollup1m'::regclass")
            assert cursor.fetchone() == ("p",)
            cursor.execute(query)
            assert cursor.fetchall() == [row]
        migrate([("metrics", "0010_point_partitions")])
        with connection.cursor() as cursor:
            cursor.execute("SELECT relkind FROM pg_class WHERE oid = 'metrics_rollup1m'::regclass")
            assert cursor.fetchone() == ("r",)
            cursor.execute(query)
            assert cursor.fetchall() == [row]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM metrics_rollup1m")
        migrate_to_latest()
