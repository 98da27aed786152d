"""``/prometheus/api/v1/series``, ``labels``, ``label/<name>/values``, ``metadata``,
``status/buildinfo``, ``query_exemplars`` and ``format_query``, as Prometheus answers them."""

from __future__ import annotations

import pytest

from metrics.models import Point, Series

pytestmark = pytest.mark.django_db
P = "/prometheus/api/v1"
T0 = 1_700_000_000


def make(name, host="", labels=None, kind="unknown", help_text="", at=(T0,)):
    s = Series(name=name, host=host, labels=labels or {}, type=kind, help=help_text)
    s.save()
    Point.objects.bulk_create([Point(series=s, ts=t * 10**6, value=1.0) for t in at])
    return s


@pytest.fixture
def data():
    make("up", "web-1", {"job": "node"}, "gauge", "1 if the target is up")
    make("up", "db-1", {"job": "db"}, "gauge", "1 if the target is up", at=(T0 - 7200,))
    for le in ("0.1", "+Inf"):
        make(
            "req_seconds_bucket",
            labels={"le": le, "job": "api"},
            kind="histogram",
            help_text="latency",
        )
    make("req_seconds_count", labels={"job": "api"}, kind="histogram", help_text="latency")


def ok(response):
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "success"
    return body["data"]


def test_series_lists_label_sets_sorted_for_every_match(api, data):
    got = ok(api.get(f"{P}/series", {"match[]": ["up", '{__name__=~"req.*",le="+Inf"}']}))

    assert got == [
        {"__name__": "req_seconds_bucket", "job": "api", "le": "+Inf"},
        {"__name__": "up", "host": "db-1", "job": "db"},
        {"__name__": "up", "host": "web-1", "job": "node"},
    ]


def test_series_in_a_time_range_are_those_with_points_in_it(api, data):
    got = ok(api.get(f"{P}/series", {"match[]": "up", "start": T0 - 60, "end": T0 + 60}))

    assert got == [{"__name__": "up", "host": "web-1", "job": "node"}]


def test_series_without_match_is_bad_data(api, data):
    response = api.get(f"{P}/series")

    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "errorType": "bad_data",
        "error": "no match[] parameter provided",
    }


@pytest.mark.parametrize("match", ["sum(up)", "up[5m]", "{", 'up{job=~"("}'])
def test_a_match_that_is_no_selector_is_bad_data(api, data, match):
    response = api.get(f"{P}/labels", {"match[]": match})

    assert response.status_code == 400 and response.json()["errorType"] == "bad_data"


def test_labels_all_or_of_matching_series(api, data):
    assert ok(api.get(f"{P}/labels")) == ["__name__", "host", "job", "le"]
    assert ok(api.post(f"{P}/labels", {"match[]": "up"})) == ["__name__", "host", "job"]


def test_label_values_all_of_matching_and_in_a_range(api, data):
    assert ok(api.get(f"{P}/label/__name__/values")) == [
        "req_seconds_bucket",
        "req_seconds_count",
        "up",
    ]
    assert ok(api.get(f"{P}/label/job/values", {"match[]": "up"})) == ["db", "node"]
    ranged = {"start": T0 - 60, "end": T0 + 60}
    assert ok(api.get(f"{P}/label/host/values", ranged)) == ["web-1"]
    assert ok(api.get(f"{P}/label/nothing/values")) == []


def test_an_invalid_label_name_is_bad_data(api, data):
    response = api.get(f"{P}/label/not-a-name/values")

    assert (
        response.status_code == 400
        and 'invalid label name: "not-a-name"' in response.json()["error"]
    )


def test_metadata_by_family_with_metric_and_limit(api, data):
    everything = ok(api.get(f"{P}/metadata"))

    assert everything == {
        "req_seconds": [{"type": "histogram", "help": "latency", "unit": ""}],
        "up": [{"type": "gauge", "help": "1 if the target is up", "unit": ""}],
    }
    assert ok(api.get(f"{P}/metadata", {"metric": "up"})) == {"up": everything["up"]}
    assert ok(api.get(f"{P}/metadata", {"limit": "1"})) == {
        "req_seconds": everything["req_seconds"]
    }
    assert api.get(f"{P}/metadata", {"limit": "x"}).json()["errorType"] == "bad_data"


def test_buildinfo_says_a_prometheus_2_42(api):
    info = ok(api.get(f"{P}/status/buildinfo"))

    assert info["version"] == "2.42.0" and {"revision", "branch", "goVersion"} <= set(info)


def test_exemplars_are_empty_and_format_query_pretty_prints(api, data):
    assert ok(api.get(f"{P}/query_exemplars", {"query": "up", "start": T0, "end": T0})) == []
    assert ok(api.get(f"{P}/format_query", {"query": "sum by(job)(  up )"})) == "sum by (job) (up)"
    response = api.get(f"{P}/format_query", {"query": "sum("})
    assert response.status_code == 400 and response.json()["errorType"] == "bad_data"


def test_a_read_only_token_and_a_viewer_may_read_metadata(token_client, viewer, data):
    client = token_client(read_only=True, user=viewer, keyword="Bearer")

    assert ok(client.post(f"{P}/series", {"match[]": "up"}))
    assert ok(client.get(f"{P}/labels"))


def test_a_series_made_in_the_range_is_listed_even_without_points_there(api):
    import time

    Series(name="idle_quantile", labels={"quantile": "0.5"}, type="summary").save()
    now = int(time.time())

    listed = ok(
        api.get(f"{P}/series", {"match[]": "idle_quantile", "start": now - 60, "end": now + 60})
    )
    earlier = ok(api.get(f"{P}/series", {"match[]": "idle_quantile", "start": T0, "end": T0 + 60}))

    assert listed == [{"__name__": "idle_quantile", "quantile": "0.5"}] and earlier == []
