"""Rollups agree with raw aggregation; retention deletes per tier."""

from __future__ import annotations

import orjson
import pytest
from django.db import connection
from django.test import override_settings

from metrics.models import Point, Rollup1h, Rollup1m, Series
from metrics.retention import retention_enforce
from metrics.rollups import rollups_update

pytestmark = pytest.mark.django_db
US = 1_000_000


def ingest(api, name, points):
    body = {"series": [{"name": name, "points": points}]}
    assert (
        api.post(
            "/api/v1/metrics/", orjson.dumps(body), content_type="application/json"
        ).status_code
        == 201
    )


def raw_aggregate(width_us: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT series_id, (ts / {width_us}) * {width_us} AS b, COUNT(*), SUM(value), MIN(value), "
            "MAX(value) FROM metrics_point GROUP BY series_id, b ORDER BY series_id, b"
        )
        return [
            (s, b, int(c), pytest.approx(float(t)), lo, hi)
            for s, b, c, t, lo, hi in cursor.fetchall()
        ]


def rollup_rows(model) -> list[tuple]:
    return list(
        model.objects.order_by("series_id", "bucket").values_list(
            "series_id", "bucket", "count", "sum", "min", "max"
        )
    )


def test_rollups_match_raw_aggregation_at_both_widths(api, now):
    ingest(api, "m", [[now - 7200 + i * 7, (i * 37) % 101 - 50.5] for i in range(1000)])
    ingest(api, "n", [[now - 300 + i, float(i)] for i in range(200)])
    assert rollups_update() == 2
    assert rollup_rows(Rollup1m) == raw_aggregate(Rollup1m.WIDTH_US)
    assert rollup_rows(Rollup1h) == raw_aggregate(Rollup1h.WIDTH_US)
    assert not Series.objects.filter(rollup_from__isnull=False).exists()
    assert rollups_update() == 0  # nothing new: nothing to do


def test_late_points_and_overwrites_are_rolled_up_again(api, now):
    ingest(api, "m", [[now - 600 + i * 10, 1.0] for i in range(60)])
    rollups_update()
    ingest(api, "m", [[now - 600, 100.0], [now - 3000, 5.0]])  # overwrite + late point
    assert rollups_update() == 1
    assert rollup_rows(Rollup1m) == raw_aggregate(Rollup1m.WIDTH_US)
    assert rollup_rows(Rollup1h) == raw_aggregate(Rollup1h.WIDTH_US)


def test_a_batch_arriving_during_a_rollup_keeps_the_series_dirty(api, now):
    ingest(api, "m", [[now - 60, 1.0]])
    series = Series.objects.get()
    seq = series.rollup_seq
    ingest(api, "m", [[now - 30, 2.0]])  # arrives after the job read the mark
    from metrics.rollups import rollup_series

    assert rollup_series(series.pk, series.rollup_from, series.last_ts, seq) is False
    series.refresh_from_db()
    assert series.rollup_from is not None


@override_settings(HYDRA_RETENTION_RAW=__import__("datetime").timedelta(hours=1))
def test_retention_deletes_each_tier_past_its_age_in_batches(api, now):
    ingest(api, "m", [[now - 3000 + i * 10, 1.0] for i in range(300)])
    rollups_update()
    later = (now + 1800) * US  # half an hour later, the oldest 30 minutes are past 1 h
    deleted = retention_enforce(now_us=later, batch=7)
    cutoff = later - 3600 * US
    assert deleted["metrics_point"] == sum(
        1 for i in range(300) if (now - 3000 + i * 10) * US < cutoff
    )
    assert not Point.objects.filter(ts__lt=cutoff).exists()
    assert Point.objects.count() == 300 - deleted["metrics_point"]
    assert deleted["metrics_rollup1m"] == 0 and Rollup1m.objects.exists()
