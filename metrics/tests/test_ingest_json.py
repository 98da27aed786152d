"""POST /api/v1/metrics/: the three JSON shapes, gzip, idempotence."""

from __future__ import annotations

import gzip

import orjson
import pytest

from metrics.models import RollupPending, Series
from metrics.tests.conftest import point_count, stored

pytestmark = pytest.mark.django_db
URL = "/api/v1/metrics/"


def post(client, body, **extra):
    return client.post(URL, orjson.dumps(body), content_type="application/json", **extra)


def test_it_stores_one_point_object(api, now):
    response = post(
        api,
        {
            "name": "cpu.usage",
            "value": 0.42,
            "timestamp": now,
            "host": "web-1",
            "labels": {"region": "eu"},
        },
    )
    assert response.status_code == 201 and response.json() == {"accepted": 1}
    series = Series.objects.with_latest().get()
    assert (series.name, series.host, series.labels) == ("cpu.usage", "web-1", {"region": "eu"})
    assert stored("cpu.usage", "web-1") == [(now * 1_000_000, 0.42)]
    assert series.last_value == 0.42 and series.last_ts == now * 1_000_000


def test_it_stores_a_list_of_points_with_rfc3339_and_millisecond_timestamps(api, now):
    iso = __import__("datetime").datetime.fromtimestamp(now, __import__("datetime").UTC).isoformat()
    response = post(
        api,
        [
            {"name": "a", "value": 1, "timestamp": iso},
            {"name": "a", "value": 2, "timestamp": (now + 1) * 1000},
        ],
    )
    assert response.status_code == 201
    assert stored("a") == [(now * 1_000_000, 1.0), ((now + 1) * 1_000_000, 2.0)]


def test_it_stores_the_compact_shape(api, now):
    body = {
        "series": [
            {"name": "mem.used", "host": "db-1", "points": [[now - 10, 5], [now, 6]]},
            {
                "name": "mem.used",
                "host": "db-2",
                "labels": {"b": "2", "a": "1"},
                "points": [[now, 7]],
            },
        ]
    }
    assert post(api, body).json() == {"accepted": 3}
    assert Series.objects.get(host="db-2").labels == {"a": "1", "b": "2"}
    assert Series.objects.with_latest().get(host="db-1").last_value == 6


def test_the_compact_shape_takes_rfc3339_timestamps_too(api, now):
    from datetime import UTC, datetime

    iso = datetime.fromtimestamp(now, UTC).isoformat()
    body = {"series": [{"name": "iso", "points": [[iso, 1.5], [now - 1, 2.5]]}]}
    assert post(api, body).json() == {"accepted": 2}
    assert stored("iso") == [((now - 1) * 1_000_000, 2.5), (now * 1_000_000, 1.5)]


def test_a_point_without_timestamp_gets_server_time(api, now):
    post(api, {"name": "x", "value": 1})
    ((ts, _),) = stored("x")
    assert abs(ts / 1e6 - now) < 5


def test_gzip_bodies_are_accepted(api, now):
    body = gzip.compress(
        orjson.dumps({"series": [{"name": "z", "points": [[now, 1], [now - 1, 2]]}]})
    )
    response = api.post(URL, body, content_type="application/json", HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 201 and response.json() == {"accepted": 2}


def test_a_corrupt_gzip_body_is_refused_and_nothing_written(api):
    response = api.post(
        URL, b"not gzip", content_type="application/json", HTTP_CONTENT_ENCODING="gzip"
    )
    assert response.status_code == 400 and "gzip" in response.json()["detail"]
    assert point_count() == 0


def test_resending_a_batch_overwrites_instead_of_duplicating(api, now):
    body = {"series": [{"name": "r", "points": [[now - i, i] for i in range(50)]}]}
    assert post(api, body).status_code == 201
    body["series"][0]["points"][0][1] = 99.5
    assert post(api, body).json() == {"accepted": 50}
    assert point_count() == 50
    assert stored("r")[-1] == (now * 1_000_000, 99.5)


def test_a_batch_mixing_stored_and_new_points_and_series_is_written_whole(api, now):
    post(api, {"series": [{"name": "mix", "points": [[now - 1, 1.0]]}]})
    body = {
        "series": [
            {"name": "mix", "points": [[now - 1, 7.0], [now, 8.0]]},
            {"name": "mix.new", "points": [[now, 3.0]]},
        ]
    }
    assert post(api, body).json() == {"accepted": 3}
    assert stored("mix") == [((now - 1) * 1_000_000, 7.0), (now * 1_000_000, 8.0)]
    assert stored("mix.new") == [(now * 1_000_000, 3.0)]
    assert Series.objects.filter(name__startswith="mix").count() == 2


def test_a_repeated_point_in_one_batch_keeps_the_last_value(api, now):
    response = post(
        api,
        [{"name": "d", "value": 1, "timestamp": now}, {"name": "d", "value": 2, "timestamp": now}],
    )
    assert response.json() == {"accepted": 1}
    assert stored("d") == [(now * 1_000_000, 2.0)]


def test_a_late_point_does_not_replace_the_latest_value(api, now):
    post(api, {"name": "late", "value": 5, "timestamp": now})
    post(api, {"name": "late", "value": 1, "timestamp": now - 60})
    series = Series.objects.with_latest().get(name="late")
    assert series.last_value == 5 and series.last_ts == now * 1_000_000
    assert RollupPending.objects.order_by("min_ts").values_list("min_ts", flat=True)[0] == (
        (now - 60) * 1_000_000
    )


def test_ingestion_is_throttled_per_token_with_retry_after(api, now, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "2/min"},
    }
    codes = [
        post(api, {"name": "t", "value": i, "timestamp": now - i}).status_code for i in range(3)
    ]
    assert codes == [201, 201, 429]
    response = post(api, {"name": "t", "value": 9, "timestamp": now - 9})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert point_count() == 2


def test_a_read_only_token_cannot_ingest(token_client, now):
    response = post(token_client(read_only=True), {"name": "x", "value": 1})
    assert response.status_code == 403
    assert point_count() == 0


def test_an_anonymous_client_cannot_ingest(client):
    response = post(client, {"name": "x", "value": 1})
    assert response.status_code == 401
    assert point_count() == 0
