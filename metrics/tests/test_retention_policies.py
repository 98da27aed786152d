"""Retention per tier and per metric-name pattern: chunks dropped whole, points and
rollups by age, the first matching policy wins, bad policies refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from metrics.chunks.codec import WIDTH_US
from metrics.chunks.compact import compact_points
from metrics.models import Point, RetentionPolicy, Rollup1h
from metrics.retention import retention_enforce
from metrics.tests.factories import SeriesFactory

pytestmark = pytest.mark.django_db
US = 1_000_000
DAY = 86_400 * US
NOW = 1_790_006_400 * US - (1_790_006_400 * US) % WIDTH_US


def load(name: str, ages_days: list[float]):
    series = SeriesFactory(name=name)
    Point.objects.bulk_create(
        [Point(series=series, ts=NOW - int(a * DAY), value=a) for a in ages_days]
    )
    return series


def ages(series) -> list[float]:
    from metrics.selectors import raw_points

    got = raw_points(series_ids=[series.pk], start_us=0, end_us=NOW)
    return sorted(float(v) for v in got[series.pk][1]) if series.pk in got else []


def test_default_retention_drops_whole_old_chunks_and_old_points(settings):
    settings.HYDRA_RETENTION_RAW = timedelta(days=365)
    s = load("cpu", [400, 366, 364, 1])
    compact_points(older_than_us=0, now_us=NOW)
    Point.objects.create(series=s, ts=NOW - 500 * DAY, value=500.0)  # backfilled, not compacted
    deleted = retention_enforce(now_us=NOW)
    assert deleted["metrics_chunk"] == 2 and deleted["metrics_point"] == 1
    assert ages(s) == [1.0, 364.0]


def test_first_matching_policy_wins_per_metric_name(settings):
    settings.HYDRA_RETENTION_RAW = timedelta(days=365)
    RetentionPolicy.objects.create(tier="raw", pattern="debug.*", keep=timedelta(days=7), order=1)
    RetentionPolicy.objects.create(tier="raw", pattern="*", keep=timedelta(days=30), order=5)
    RetentionPolicy.objects.create(tier="raw", pattern="keep.*", keep=timedelta(days=900), order=0)
    RetentionPolicy.objects.create(tier="raw", pattern="cpu", keep=timedelta(days=900), order=9)
    debug, other, kept = (load(n, [800, 100, 20, 3]) for n in ("debug.gc", "cpu", "keep.me"))
    compact_points(older_than_us=0, now_us=NOW)
    retention_enforce(now_us=NOW)
    assert ages(debug) == [3.0]
    assert ages(other) == [3.0, 20.0]  # "*" (order 5) before "cpu" (order 9)
    assert ages(kept) == [3.0, 20.0, 100.0, 800.0]


def test_rollup_tier_policy_leaves_raw_alone(settings):
    settings.HYDRA_RETENTION_1H = timedelta(days=730)
    s = load("cpu", [10])
    Rollup1h.objects.create(series=s, bucket=NOW - 50 * DAY, count=1, sum=1, min=1, max=1)
    Rollup1h.objects.create(series=s, bucket=NOW - 5 * DAY, count=1, sum=1, min=1, max=1)
    RetentionPolicy.objects.create(tier="rollup1h", pattern="c?u", keep=timedelta(days=30))
    retention_enforce(now_us=NOW)
    assert list(Rollup1h.objects.values_list("bucket", flat=True)) == [NOW - 5 * DAY]
    assert ages(s) == [10.0]


@pytest.mark.parametrize(
    ("pattern", "keep", "field"),
    [
        ("cpu\x00", timedelta(days=1), "pattern"),
        ("  ", timedelta(days=1), "pattern"),
        ("cpu\n*", timedelta(days=1), "pattern"),
        ("cpu", timedelta(minutes=5), "keep"),
        ("x" * 201, timedelta(days=1), "pattern"),
    ],
)
def test_bad_policies_are_refused(pattern, keep, field):
    policy = RetentionPolicy(tier="raw", pattern=pattern, keep=keep)
    with pytest.raises(ValidationError) as info:
        policy.full_clean()
    assert field in info.value.message_dict
    assert not RetentionPolicy.objects.exists()
