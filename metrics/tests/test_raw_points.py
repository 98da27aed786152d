"""metrics.selectors.raw_points: the one raw read outside the query module."""

from __future__ import annotations

import pytest

from metrics.models import Point
from metrics.selectors import raw_points
from metrics.tests.factories import SeriesFactory

pytestmark = pytest.mark.django_db


def test_points_of_each_series_in_the_range_sorted_with_edges_included():
    a, b, c = SeriesFactory(), SeriesFactory(), SeriesFactory()
    Point.objects.bulk_create(
        [Point(series=a, ts=t, value=t / 10) for t in (30, 10, 20, 40)]
        + [Point(series=b, ts=t, value=-1.0) for t in (5, 20)]
        + [Point(series=c, ts=25, value=7.0)]
    )

    got = raw_points(series_ids=[a.pk, b.pk], start_us=10, end_us=30)

    assert set(got) == {a.pk, b.pk}
    assert got[a.pk][0].tolist() == [10, 20, 30]
    assert got[a.pk][1].tolist() == [1.0, 2.0, 3.0]
    assert got[b.pk][0].tolist() == [20]
    assert str(got[a.pk][0].dtype) == "int64" and str(got[a.pk][1].dtype) == "float64"


def test_no_series_or_no_points_give_nothing():
    a = SeriesFactory()
    assert raw_points(series_ids=[], start_us=0, end_us=100) == {}
    assert raw_points(series_ids=[a.pk], start_us=0, end_us=100) == {}


def test_special_values_and_many_series_come_back_exactly():
    series = [SeriesFactory() for _ in range(30)]
    specials = [float("inf"), float("-inf"), -0.0, 1e-300, -1.5e300, 0.1]
    Point.objects.bulk_create(
        [
            Point(series=s, ts=10**15 + t, value=specials[(i + t) % 6])
            for i, s in enumerate(series)
            for t in range(6)
        ]
    )

    got = raw_points(series_ids=[s.pk for s in series], start_us=10**15, end_us=10**15 + 4)

    assert set(got) == {s.pk for s in series}
    for i, s in enumerate(series):
        assert got[s.pk][0].tolist() == [10**15 + t for t in range(5)]
        assert got[s.pk][1].tolist() == [specials[(i + t) % 6] for t in range(5)]


def test_packed_arrays_out_of_order_are_sorted():
    import numpy as np

    from metrics.query.raw_packed import _sorted

    ts, values = _sorted(np.array([30, 10, 20]), np.array([3.0, 1.0, 2.0]))

    assert ts.tolist() == [10, 20, 30] and values.tolist() == [1.0, 2.0, 3.0]
