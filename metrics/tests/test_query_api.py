"""GET /api/v1/metrics/, /api/v1/series/ and /api/v1/analytics/trends."""

from __future__ import annotations

import orjson
import pytest

from metrics.rollups import rollups_update

pytestmark = pytest.mark.django_db
HOUR = 3600


@pytest.fixture
def loaded(api, now):
    """Two hosts, one point every 10 s from a whole hour 2-3 hours ago until now; the value
    is the minute since the start (+1000 on host b)."""
    start = (now // HOUR) * HOUR - 2 * HOUR
    series = [
        {
            "name": "cpu",
            "host": h,
            "labels": {"dc": dc},
            "points": [[start + i * 10, (i // 6) + offset] for i in range((now - start) // 10)],
        }
        for h, dc, offset in (("a", "eu", 0), ("b", "us", 1000))
    ]
    assert (
        api.post(
            "/api/v1/metrics/", orjson.dumps({"series": series}), content_type="application/json"
        ).status_code
        == 201
    )
    return start


def query(api, **params):
    return api.get("/api/v1/metrics/", params)


def test_it_buckets_by_step_with_each_aggregation(api, loaded):
    end = loaded + 600
    for agg, expected in (("avg", 0.0), ("min", 0.0), ("max", 0.0), ("count", 6.0), ("sum", 0.0)):
        body = query(api, name="cpu", host="a", start=loaded, end=end, step="60", agg=agg).json()
        assert body["series"][0]["points"][0] == [loaded, expected], agg
    body = query(api, name="cpu", host="a", start=loaded, end=end, step="5m", agg="last").json()
    assert body["series"][0]["points"][:2] == [[loaded, 4.0], [loaded + 300, 9.0]]
    p95 = query(api, name="cpu", host="a", start=loaded, end=end, step="10m", agg="p95").json()
    assert p95["series"][0]["points"][0][1] == pytest.approx(9.0)


def test_label_filters_and_relative_times(api, loaded):
    body = query(api, name="cpu", **{"label.dc": "us"}, start="-30m", step="10m").json()
    assert [s["host"] for s in body["series"]] == ["b"]
    assert body["step"] == 600 and 3 <= len(body["series"][0]["points"]) <= 4


def test_the_step_is_chosen_when_absent(api, loaded):
    body = query(api, name="cpu", start="-7d").json()
    assert body["step"] == 900  # 7 days / 1000 points → the next nice step
    assert all(len(s["points"]) <= 1000 for s in body["series"])


def test_rollups_give_the_same_answer_as_raw_points(api, loaded):
    raw = query(api, name="cpu", start=loaded, end=loaded + 2 * HOUR, step="1h", agg="avg").json()
    assert rollups_update() == 2
    rolled = query(
        api, name="cpu", start=loaded, end=loaded + 2 * HOUR, step="1h", agg="avg"
    ).json()
    assert rolled["series"] == raw["series"]


def test_csv_download(api, loaded):
    response = query(
        api, name="cpu", host="a", start=loaded, end=loaded + 120, step="60", format="csv"
    )
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert response["Content-Type"] == "text/csv"
    assert lines[0] == "series_id,name,host,labels,timestamp,value"
    assert lines[1].split(",")[1:4] == ["cpu", "a", "dc=eu"] and len(lines) == 3


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"start": "-1h"}, "name"),
        ({"name": "cpu", "start": "yesterday"}, "start"),
        ({"name": "cpu", "step": "fast"}, "step"),
        ({"name": "cpu", "agg": "median"}, "agg"),
        ({"name": "cpu", "start": "-1h", "end": "-2h"}, "start"),
        ({"name": "cpu", "start": "-30d", "step": "1s"}, "step"),
        ({"series": "1,x"}, "series"),
    ],
)
def test_bad_parameters_are_named(api, params, bad):
    response = query(api, **params)
    assert response.status_code == 400
    assert bad in response.json()


def test_the_query_uses_three_sql_queries_however_many_series(
    api, loaded, django_assert_num_queries
):
    api.get("/api/v1/series/")  # the token is looked up once, then remembered for a while
    with django_assert_num_queries(3):  # series, newest compressed chunk in range, points
        assert len(query(api, name="cpu", start="-1h", step="60").json()["series"]) == 2


def test_the_series_list_has_latest_values_and_filters(api, loaded, now, django_assert_num_queries):
    api.get("/api/v1/series/")  # the token is looked up once, then remembered for a while
    with django_assert_num_queries(1):  # the page with its total (COUNT(*) OVER ())
        body = api.get("/api/v1/series/", {"label.dc": "eu"}).json()
    assert body["count"] == 1
    (row,) = body["results"]
    minutes = ((now - loaded) // 10 - 1) // 6
    assert (row["host"], row["last_value"]) == ("a", float(minutes))
    assert api.get("/api/v1/series/", {"search": "b"}).json()["count"] == 1


def test_the_series_list_pages_up_to_page_size_and_matches_the_detail(api, loaded):
    body = api.get("/api/v1/series/", {"page_size": 1}).json()
    assert body["count"] == 2 and len(body["results"]) == 1
    row = body["results"][0]
    assert api.get(f"/api/v1/series/{row['id']}/").json() == row
    assert len(api.get("/api/v1/series/", {"page_size": 1000}).json()["results"]) == 2


def test_trends_compare_with_the_previous_range(api, loaded):
    body = api.get(
        "/api/v1/analytics/trends",
        {"name": "cpu", "host": "a", "start": loaded + HOUR, "end": loaded + 2 * HOUR},
    ).json()
    (trend,) = body["series"]
    stats = trend["stats"]
    assert (stats["min"], stats["max"], stats["count"]) == (60.0, 119.0, 360)
    assert stats["slope_per_hour"] == pytest.approx(60.0, rel=0.02)
    assert trend["change"]["avg_delta"] == pytest.approx(60.0)
    assert stats["p95"] == pytest.approx(116.0, abs=0.6)


def test_trends_use_five_sql_queries(api, loaded, django_assert_num_queries):
    api.get("/api/v1/series/")  # the token is looked up once, then remembered for a while
    with django_assert_num_queries(5):  # series, compressed chunks?, current, previous, p95
        assert len(api.get("/api/v1/analytics/trends", {"name": "cpu"}).json()["series"]) == 2


def test_trends_need_a_name(api):
    response = api.get("/api/v1/analytics/trends")
    assert response.status_code == 400 and "name" in response.json()


def test_an_anonymous_client_cannot_query(client):
    assert client.get("/api/v1/metrics/", {"name": "cpu"}).status_code == 401
