"""Prometheus label sets -> Hydra series keys (``prom.labels``)."""

from __future__ import annotations

import pytest

from prom.labels import MAX_LABELS, LabelError, instance_host, series_key

NODE = [("__name__", "node_load1"), ("instance", "web-1:9100"), ("job", "node")]


def test_the_name_is_the_series_name_and_the_other_labels_are_kept_sorted():
    key, _ = series_key([("job", "node"), ("__name__", "up"), ("instance", "a:1")])
    assert key == ("up", "", (("instance", "a:1"), ("job", "node")))


def test_a_host_is_derived_from_the_instance_without_becoming_a_label():
    key, derived = series_key(NODE)
    assert derived == "web-1"
    assert key == ("node_load1", "", (("instance", "web-1:9100"), ("job", "node")))


def test_a_host_label_is_the_host_column_and_nothing_is_derived():
    key, derived = series_key([*NODE, ("host", "db-1")])
    assert key[1] == "db-1" and derived is None
    assert dict(key[2]) == {"instance": "web-1:9100", "job": "node"}


def test_nothing_is_derived_when_asked_not_to():
    assert series_key(NODE, derive=False)[1] is None


def test_an_empty_label_value_is_no_label():
    key, _ = series_key([("__name__", "up"), ("job", "")])
    assert key[2] == ()


@pytest.mark.parametrize(
    ("instance", "host"),
    [
        ("web-1:9100", "web-1"),
        ("10.0.0.7:9100", "10.0.0.7"),
        ("[::1]:9100", "::1"),
        ("web-1", "web-1"),
        ("fe80::1", "fe80::1"),
        ("https://example.com:8443/probe", "example.com"),
        ("", None),
        ("h" * 300, None),
    ],
)
def test_the_instance_host_is_the_instance_without_its_port(instance, host):
    assert instance_host(instance) == host


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([("job", "x")], "no __name__"),
        ([("__name__", "1up")], "metric name '1up' is invalid"),
        ([("__name__", "up"), ("bad-name", "x")], "label name 'bad-name' is invalid"),
        ([("__name__", "up"), ("a.b", "x")], "label name 'a.b' is invalid"),
        ([("__name__", "up"), ("job", "a"), ("job", "b")], "'job' appears twice"),
        ([("__name__", "up"), ("__name__", "down")], "'__name__' appears twice"),
        ([("__name__", "up"), ("v", "x" * 2000)], "longer than 1024"),
        ([("__name__", "up"), ("host", "h" * 201)], "'host' is longer than 200"),
    ],
)
def test_it_refuses_label_sets_prometheus_would_refuse(pairs, message):
    with pytest.raises(LabelError, match=message):
        series_key(pairs)


def test_it_refuses_too_many_labels():
    pairs = [("__name__", "up")] + [(f"l{i}", "v") for i in range(MAX_LABELS + 1)]
    with pytest.raises(LabelError, match=f"at most {MAX_LABELS}"):
        series_key(pairs)
    assert series_key(pairs[:-1])[0][0] == "up"


def test_colons_and_dots_are_allowed_in_metric_names():
    assert series_key([("__name__", "job:http_requests:rate5m")])[0][0] == (
        "job:http_requests:rate5m"
    )
    assert series_key([("__name__", "http.server.duration")])[0][0] == "http.server.duration"
