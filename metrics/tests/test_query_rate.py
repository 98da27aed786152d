"""``agg=rate``: the per-second rate of a counter, bucket by bucket, resets included."""

from __future__ import annotations

import numpy as np
import orjson
import pytest

from metrics.models import RollupPending, Series
from metrics.query.timeseries import counter_rates
from metrics.rollups import rollup_chunk

pytestmark = pytest.mark.django_db
US = 1_000_000


def test_counter_rates_are_increases_per_second_and_a_decrease_is_a_reset():
    points = np.array([[0, 100.0], [60, 160.0], [120, 220.0], [180, 30.0], [240, 90.0]])
    assert counter_rates(points) == [[60, 1.0], [120, 1.0], [180, 0.5], [240, 1.0]]
    assert counter_rates(points[:1]) == []


@pytest.fixture
def counter(api, now):
    """A counter growing 5 every 10 s for an hour, reset to 0 at 40 minutes; its type set."""
    start = (now // 3600) * 3600 - 3600
    values, total = [], 0.0
    for i in range(360):
        total = 0.0 if i == 240 else total + 5
        values.append([start + i * 10, total])
    body = {"series": [{"name": "requests_total", "host": "web-1", "points": values}]}
    api.post("/api/v1/metrics/", orjson.dumps(body), content_type="application/json")
    Series.objects.update(type="counter")
    return start


def query(api, start: int, **params) -> dict:
    params = {"name": "requests_total", "start": start + 600, "end": start + 3600, **params}
    response = api.get("/api/v1/metrics/", params)
    assert response.status_code == 200, response.content
    return response.json()["series"][0]


def test_the_api_gives_the_rate_of_every_bucket_of_the_range(api, counter):
    series = query(api, counter, agg="rate", step="60")
    assert series["type"] == "counter"
    times = [t for t, _ in series["points"]]
    assert times[0] == counter + 600 and len(times) == 50  # the first bucket has a rate too
    rates = [v for _, v in series["points"]]
    assert rates[:29] == [0.5] * 29  # 30 per minute
    assert rates[29] > 0 and rates[31:] == [0.5] * 19  # the reset is not a negative rate


def test_rates_from_the_rollups_equal_rates_from_raw_points(api, counter):
    raw = query(api, counter, agg="rate", step="60")["points"]
    rollup_chunk([(s.pk, counter * US, (counter + 3600) * US) for s in Series.objects.all()])
    RollupPending.objects.all().delete()
    assert query(api, counter, agg="rate", step="60")["points"] == raw


def test_raw_values_stay_one_parameter_away(api, counter):
    series = query(api, counter, agg="last", step="60")
    assert series["points"][0] == [counter + 600, 330.0]  # the counter at 10:50 into the hour
