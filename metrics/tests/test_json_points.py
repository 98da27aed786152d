"""The query API's JSON built in SQL agrees with the bucketing done in Python."""

from __future__ import annotations

import orjson
import pytest

from metrics.models import RollupPending, Series
from metrics.query.json_points import matching_series, series_json
from metrics.query.timeseries import Query, bucketed
from metrics.rollups import rollup_chunk

pytestmark = pytest.mark.django_db
US = 1_000_000


@pytest.fixture
def two_hours(api, now):
    """Two series, a point every 10 s for two hours; the first hour rolled up, the rest not."""
    start = (now // 3600) * 3600 - 7200
    series = [
        {
            "name": "cpu",
            "host": h,
            "labels": {"k": h},
            "points": [[start + i * 10, (i * 7 % 13) + k] for i in range(720)],
        }
        for k, h in enumerate(("a", "b"))
    ]
    api.post("/api/v1/metrics/", orjson.dumps({"series": series}), content_type="application/json")
    hour = (start + 3600) * US
    rollup_chunk([(s.pk, start * US, hour - 1) for s in Series.objects.all()])  # first hour only
    RollupPending.objects.update(min_ts=hour)  # the second hour is still pending
    return start


@pytest.mark.parametrize("agg", ["avg", "min", "max", "sum", "count", "last", "p95"])
@pytest.mark.parametrize("step", [60, 600, 3600])
def test_each_aggregation_and_step_matches_python_bucketing(two_hours, agg, step):
    rows = matching_series(name="cpu")
    window = {
        "start_us": two_hours * US,
        "end_us": (two_hours + 7200) * US,
        "step_us": step * US,
        "agg": agg,
    }
    got = orjson.loads(orjson.dumps(series_json(rows=rows, **window)))
    expected = bucketed(
        Query(series_ids=[r[0] for r in rows], dirty_from_us=(two_hours + 3600) * US, **window)
    )
    assert [s["host"] for s in got] == ["a", "b"] and got[0]["labels"] == {"k": "a"}
    for s in got:
        assert [t for t, _ in s["points"]] == [t for t, _ in expected[s["id"]]]
        assert [v for _, v in s["points"]] == pytest.approx([v for _, v in expected[s["id"]]])
        assert len(s["points"]) == 7200 // step


def test_a_series_without_points_in_range_has_an_empty_list(two_hours):
    rows = matching_series(name="cpu")
    window = {
        "start_us": (two_hours - 7200) * US,
        "end_us": two_hours * US,
        "step_us": 60 * US,
        "agg": "avg",
    }
    assert [s["points"] for s in series_json(rows=rows, **window)] == [[], []]
