"""Rollups agree with raw aggregation; retention deletes per tier."""

from __future__ import annotations

import orjson
import pytest
from django.db import connection
from django.test import override_settings

from metrics.models import Point, Rollup1h, Rollup1m, RollupPending
from metrics.retention import retention_enforce
from metrics.rollups import pending, rollup_chunk, rollups_update

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
    assert not RollupPending.objects.exists()
    assert rollups_update() == 0  # nothing new: nothing to do


def test_late_points_and_overwrites_are_rolled_up_again(api, now):
    ingest(api, "m", [[now - 600 + i * 10, 1.0] for i in range(60)])
    rollups_update()
    ingest(api, "m", [[now - 600, 100.0], [now - 3000, 5.0]])  # overwrite + late point
    assert rollups_update() == 1
    assert rollup_rows(Rollup1m) == raw_aggregate(Rollup1m.WIDTH_US)
    assert rollup_rows(Rollup1h) == raw_aggregate(Rollup1h.WIDTH_US)


def test_pending_batches_merge_into_one_range_per_series(api, now):
    ingest(api, "m", [[now - 60, 1.0]])
    ingest(api, "m", [[now - 600, 2.0], [now - 30, 3.0]])
    ingest(api, "n", [[now - 5, 4.0]])
    ids, dirty = pending()
    assert len(ids) == 3
    by_name = dict(zip(["m", "n"], sorted(dirty), strict=True))
    assert by_name["m"][1:] == ((now - 600) * US, (now - 30) * US)
    assert by_name["n"][1:] == ((now - 5) * US, (now - 5) * US)


def test_a_batch_arriving_during_a_rollup_is_left_for_the_next_run(api, now):
    ingest(api, "m", [[now - 60, 1.0]])
    ids, dirty = pending()  # the job has read the pending rows...
    ingest(api, "m", [[now - 30, 2.0]])  # ...when another batch arrives
    rollup_chunk(dirty)
    RollupPending.objects.filter(id__in=ids).delete()
    assert RollupPending.objects.count() == 1
    assert rollups_update() == 1
    assert rollup_rows(Rollup1m) == raw_aggregate(Rollup1m.WIDTH_US)


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
