"""Every validation rule: 400 naming the bad field, and nothing written (all or nothing)."""

from __future__ import annotations

import orjson
import pytest
from django.test import override_settings

from metrics.models import Series
from metrics.tests.conftest import point_count

pytestmark = pytest.mark.django_db
URL = "/api/v1/metrics/"


def refused(api, body, *, field: str, index: int = 1, words: str = "", whole=False) -> dict:
    """Send a good point then a bad one (or ``whole`` body as is): the request fails as a whole."""
    good = {"name": "ok.metric", "value": 1.0}
    payload = body if whole else [good, body]
    response = api.post(URL, orjson.dumps(payload), content_type="application/json")
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert (error["index"], error["field"]) == (index, field)
    assert words in error["message"]
    assert point_count() == 0 and Series.objects.count() == 0
    return error


def test_a_bad_name_pattern(api):
    refused(api, {"name": "9lives", "value": 1}, field="name", words="must match")


def test_a_too_long_name(api):
    refused(api, {"name": "a" * 201, "value": 1}, field="name", words="200")


def test_a_missing_name(api):
    refused(api, {"value": 1}, field="name", words="required")


def test_a_string_value(api):
    refused(api, {"name": "a", "value": "1.5"}, field="value", words="number")


def test_a_boolean_value(api):
    refused(api, {"name": "a", "value": True}, field="value", words="boolean")


def test_a_missing_value(api):
    refused(api, {"name": "a"}, field="value", words="required")


def test_nan_and_infinity_are_not_json_numbers(api):
    for literal in (b"NaN", b"Infinity", b"-Infinity"):
        body = b'[{"name": "a", "value": ' + literal + b"}]"
        response = api.post(URL, body, content_type="application/json")
        assert response.status_code == 400 and response.json()["errors"][0]["field"] == "body"
    assert point_count() == 0


def test_a_huge_number_overflowing_to_infinity(api):
    body = b'[{"name": "ok", "value": 1}, {"name": "a", "value": 1e999}]'
    response = api.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert point_count() == 0


def test_a_timestamp_without_a_time_zone(api):
    refused(
        api,
        {"name": "a", "value": 1, "timestamp": "2026-11-22T10:00:00"},
        field="timestamp",
        words="time zone",
    )


def test_a_timestamp_that_is_not_rfc3339(api):
    refused(
        api,
        {"name": "a", "value": 1, "timestamp": "yesterday"},
        field="timestamp",
        words="RFC 3339",
    )


def test_a_timestamp_older_than_retention(api, now):
    refused(
        api,
        {"name": "a", "value": 1, "timestamp": now - 400 * 86400},
        field="timestamp",
        words="retention",
    )


def test_a_timestamp_too_far_in_the_future(api, now):
    refused(
        api,
        {"name": "a", "value": 1, "timestamp": now + 11 * 60},
        field="timestamp",
        words="future",
    )


def test_too_many_labels(api):
    labels = {f"k{i}": "v" for i in range(33)}
    refused(api, {"name": "a", "value": 1, "labels": labels}, field="labels", words="32")


def test_a_too_long_label_value(api):
    refused(api, {"name": "a", "value": 1, "labels": {"k": "v" * 201}}, field="labels", words="200")


def test_an_unknown_field(api):
    refused(api, {"name": "a", "value": 1, "colour": "red"}, field="colour", words="unknown")


def test_a_bad_point_in_the_compact_shape_names_series_and_point(api, now):
    body = {
        "series": [
            {"name": "a", "points": [[now, 1]]},
            {"name": "b", "points": [[now, 1], [now, "x"]]},
        ]
    }
    refused(api, body, index=1, field="points[1].value", words="number", whole=True)


def test_a_series_checked_before_is_still_refused_with_a_boolean_label(api, now):
    good = {"series": [{"name": "a", "labels": {"k": "1"}, "points": [[now, 1]]}]}
    assert api.post(URL, orjson.dumps(good), content_type="application/json").status_code == 201
    bad = {"series": [{"name": "a", "labels": {"k": True}, "points": [[now - 1, 1]]}]}
    response = api.post(URL, orjson.dumps(bad), content_type="application/json")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["index"], error["field"]) == (0, "labels") and "string" in error["message"]
    assert point_count() == 1


def test_malformed_json(api):
    response = api.post(URL, b'{"name": "a", "value": ', content_type="application/json")
    assert response.status_code == 400
    assert "malformed JSON" in response.json()["errors"][0]["message"]


def test_a_wrong_content_type_gets_415(api):
    response = api.post(URL, b"name=a&value=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and "application/json" in response.json()["detail"]
    assert point_count() == 0


@override_settings(HYDRA_INGEST_MAX_POINTS=10)
def test_too_many_points_gets_413(api, now):
    body = {"series": [{"name": "a", "points": [[now - i, i] for i in range(11)]}]}
    response = api.post(URL, orjson.dumps(body), content_type="application/json")
    assert response.status_code == 413 and "at most 10" in response.json()["detail"]
    assert point_count() == 0


@override_settings(HYDRA_INGEST_MAX_BYTES=1000)
def test_a_too_large_body_gets_413(api):
    body = orjson.dumps([{"name": "a", "value": i} for i in range(100)])
    response = api.post(URL, body, content_type="application/json")
    assert response.status_code == 413
    assert point_count() == 0


@override_settings(HYDRA_MAX_SERIES_PER_METRIC=3)
def test_the_cardinality_guard_names_the_metric(api, now):
    ok = [{"name": "per.host", "host": f"h{i}", "value": 1} for i in range(3)]
    assert api.post(URL, orjson.dumps(ok), content_type="application/json").status_code == 201
    more = [{"name": "other", "value": 1}, {"name": "per.host", "host": "h9", "value": 1}]
    response = api.post(URL, orjson.dumps(more), content_type="application/json")
    assert response.status_code == 400
    message = response.json()["errors"][0]["message"]
    assert "'per.host'" in message and "limit of 3" in message
    assert Series.objects.count() == 3 and not Series.objects.filter(name="other").exists()


@pytest.mark.parametrize("points", [5, "abc", {"a": 1}, None])
def test_points_that_are_not_a_list_are_refused_by_name(api, points):
    body = {"series": [{"name": "a", "points": points}]}
    refused(api, body, index=0, field="points", words="list", whole=True)
