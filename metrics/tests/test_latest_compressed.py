"""Latest values see the compressed tier: a series silent for longer than the hot window
still has its last point; a late old point in the hot table does not hide a newer chunk."""

from __future__ import annotations

import pytest

from metrics.chunks.codec import WIDTH_US
from metrics.chunks.compact import compact_points
from metrics.models import Point, Series
from metrics.selectors import latest_ts
from metrics.tests.factories import SeriesFactory

pytestmark = pytest.mark.django_db
US = 1_000_000
NOW = 1_790_000_000 * US
OLD = (NOW // WIDTH_US) * WIDTH_US - 2 * WIDTH_US


def latest(series) -> tuple:
    plain = Series.objects.with_latest().get(pk=series.pk)
    pair = Series.objects.with_latest_pair().filter(pk=series.pk)
    both = pair.values_list(*pair.latest_columns()).get()
    flat = tuple(both[0]) if len(both) == 1 else both
    return (plain.last_ts, plain.last_value), (int(flat[0]), float(flat[1]))


def test_a_compacted_series_keeps_its_latest_point():
    s = SeriesFactory()
    Point.objects.bulk_create([Point(series=s, ts=OLD + i, value=float(i)) for i in range(5)])
    compact_points(older_than_us=0, now_us=NOW)
    assert not Point.objects.exists()
    assert latest(s) == ((OLD + 4, 4.0), (OLD + 4, 4.0))
    assert latest_ts(series_id=s.pk) == OLD + 4


def test_a_late_older_point_does_not_hide_a_newer_chunk_and_a_newer_one_wins():
    s = SeriesFactory()
    Point.objects.create(series=s, ts=OLD + 100, value=1.0)
    compact_points(older_than_us=0, now_us=NOW)
    Point.objects.create(series=s, ts=OLD + 50, value=9.0)  # late, older than the chunk's
    assert latest(s) == ((OLD + 100, 1.0), (OLD + 100, 1.0))
    Point.objects.create(series=s, ts=OLD + 200, value=2.0)
    assert latest(s) == ((OLD + 200, 2.0), (OLD + 200, 2.0))


def test_a_series_without_points_has_no_latest():
    s = SeriesFactory()
    plain = Series.objects.with_latest().get(pk=s.pk)
    assert (plain.last_ts, plain.last_value) == (None, None)
