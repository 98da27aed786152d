"""Backfill: history up to the raw retention (1 year by default) is accepted, visible at
once and compacted into chunks by the next run; older history is refused, nothing written."""

from __future__ import annotations

import time

import orjson
import pytest

from metrics.chunks.compact import compact_points
from metrics.models import Chunk, Point, Series
from metrics.selectors import raw_points

pytestmark = pytest.mark.django_db
US = 1_000_000
DAY = 86_400


def send(api, points):
    body = {"series": [{"name": "history", "host": "h", "points": points}]}
    return api.post("/api/v1/metrics/", orjson.dumps(body), content_type="application/json")


def test_a_year_of_history_is_accepted_visible_and_compacted(api):
    now = int(time.time())
    points = [[now - d * DAY, float(d)] for d in (364, 200, 31, 1)]
    assert send(api, points).status_code == 201
    series = Series.objects.get(name="history")
    got = raw_points(series_ids=[series.pk], start_us=0, end_us=now * US)[series.pk]
    assert got[1].tolist() == [364.0, 200.0, 31.0, 1.0]
    compact_points(older_than_us=2 * 3600 * US)
    assert Chunk.objects.count() == 4 and Point.objects.count() == 0
    again = raw_points(series_ids=[series.pk], start_us=0, end_us=now * US)[series.pk]
    assert again[0].tolist() == got[0].tolist() and again[1].tolist() == got[1].tolist()


def test_history_older_than_the_raw_retention_is_refused(api):
    now = int(time.time())
    response = send(api, [[now - 366 * DAY, 1.0], [now - DAY, 2.0]])
    assert response.status_code == 400
    assert "retention" in response.content.decode()
    assert not Point.objects.exists() and not Chunk.objects.exists()
