"""metrics.selectors.points_before: a series' last point at or before a time, either tier."""

from __future__ import annotations

import numpy as np
import pytest

from metrics.chunks.codec import WIDTH_US
from metrics.chunks.compact import compact_points
from metrics.models import Chunk, Point
from metrics.selectors import points_before
from metrics.tests.factories import SeriesFactory

pytestmark = pytest.mark.django_db
US = 1_000_000
NOW = 1_800_000_000 * US
BASE = (NOW // WIDTH_US) * WIDTH_US - 3 * WIDTH_US


def put(series, ts, values) -> None:
    Point.objects.bulk_create(
        [Point(series=series, ts=int(t), value=float(v)) for t, v in zip(ts, values, strict=True)]
    )


def test_the_last_point_comes_from_the_chunks_once_compacted_and_a_late_hot_one_wins():
    counter = SeriesFactory()
    ts = BASE + np.arange(0, 3 * WIDTH_US, 60 * US)
    put(counter, ts, np.arange(len(ts), dtype=float))
    compact_points(older_than_us=2 * 3600 * US, now_us=NOW)
    assert Chunk.objects.filter(series=counter).count() == 3 and not Point.objects.exists()

    second_window = BASE + WIDTH_US + 90 * US  # between two points of the second chunk
    assert points_before(series_ids={counter.pk: second_window}) == {
        counter.pk: (BASE + WIDTH_US + 60 * US, float(WIDTH_US // (60 * US) + 1))
    }
    assert points_before(series_ids={counter.pk: BASE - 1}) == {}  # nothing that early

    put(counter, [BASE + WIDTH_US + 75 * US], [-5.0])  # a late point, still in the hot table
    assert points_before(series_ids={counter.pk: second_window}) == {
        counter.pk: (BASE + WIDTH_US + 75 * US, -5.0)
    }
