"""Label-set identity and text exactly as Prometheus' Go code produces them.

The fingerprints below were read from a real Alertmanager 0.25's ``GET /api/v2/alerts``
after posting these label sets (``prometheus-alertmanager`` from Debian).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from alerts.routing.durations import format_duration, parse_duration
from alerts.routing.labels import (
    alert_sort_key,
    fingerprint,
    fingerprint_hex,
    go_quote,
    labelset_string,
)

ALERTMANAGER_FINGERPRINTS = [
    ({"a": "b"}, "d2b371819297f98a"),
    (
        {"alertname": "HighCPU", "instance": "web-1:9100", "job": "node", "severity": "critical"},
        "ab906f89a7cb9bdc",
    ),
    ({"__name__": "up", "emoji": "🔥 ünïcödé"}, "eb00220a791bc990"),
    ({"alertname": "x" * 300}, "763391f49bd7fc48"),
    ({"alertname": "X", "a1": "1", "a": "2", "b10": "q", "b9": "r"}, "c9d005759635c8ef"),
    ({"alertname": "Y", "svc": "abc", "team": 'd"b'}, "878456963e393200"),
    ({"alertname": "Z", "a": "t\tb", "b": "é\u0001", "n": "l\n"}, "30b1d0b3b63a2937"),
]


@pytest.mark.parametrize(("labels", "expected"), ALERTMANAGER_FINGERPRINTS)
def test_it_computes_the_fingerprints_alertmanager_shows(labels, expected):
    assert fingerprint_hex(fingerprint(labels)) == expected


def test_the_fingerprint_does_not_depend_on_label_order():
    assert fingerprint({"b": "2", "a": "1"}) == fingerprint({"a": "1", "b": "2"})


def test_the_separator_keeps_names_and_values_apart():
    assert fingerprint({"ab": "c"}) != fingerprint({"a": "bc"})


def test_the_empty_label_set_has_the_fnv_offset_as_fingerprint():
    assert fingerprint({}) == 14695981039346656037


def test_it_prints_label_sets_sorted_as_formatted_strings_like_go():
    # Go sorts the strings 'a1="1"' < 'a="2"' ('1' < '='), and b10 before b9.
    text = labelset_string({"alertname": "X", "a1": "1", "a": "2", "b10": "q", "b9": "r"})
    assert text == '{a1="1", a="2", alertname="X", b10="q", b9="r"}'


def test_it_quotes_values_like_go_percent_q():
    # Taken from a real Alertmanager group key: {a="t\tb", b="é\x01", n="l\n"}
    assert labelset_string({"a": "t\tb", "b": "é\u0001", "n": "l\n"}) == (
        '{a="t\\tb", b="é\\x01", n="l\\n"}'
    )
    assert go_quote('say "hi" \\ ok') == '"say \\"hi\\" \\\\ ok"'
    assert go_quote("\u00a0\U000e0001") == '"\\u00a0\\U000e0001"'


def test_alerts_are_ordered_by_job_then_instance_then_label_sets():
    labels = [
        {"alertname": "A", "instance": "b"},
        {"alertname": "A", "job": "z"},
        {"alertname": "A", "job": "a", "instance": "b"},
        {"alertname": "A", "job": "a", "instance": "a"},
        {"alertname": "B"},
        {"alertname": "A", "zone": "1"},
    ]
    ordered = sorted(labels, key=alert_sort_key)
    assert ordered == [
        {"alertname": "A", "job": "a", "instance": "a"},
        {"alertname": "A", "job": "a", "instance": "b"},
        {"alertname": "A", "job": "z"},
        {"alertname": "A", "instance": "b"},
        {"alertname": "B"},
        {"alertname": "A", "zone": "1"},
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", timedelta(0)),
        ("30s", timedelta(seconds=30)),
        ("1h30m", timedelta(minutes=90)),
        ("2d", timedelta(days=2)),
        ("1w", timedelta(weeks=1)),
        ("1y", timedelta(days=365)),
        ("1s500ms", timedelta(milliseconds=1500)),
    ],
)
def test_it_parses_prometheus_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "5", "1.5h", "1m1h", "-1s", "1 h", "5sec"])
def test_it_rejects_what_prometheus_rejects(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_it_formats_durations_in_the_shortest_prometheus_form():
    assert format_duration(timedelta(minutes=90)) == "1h30m"
    assert format_duration(timedelta(days=90)) == "90d"  # not 12w6d
    assert format_duration(timedelta(weeks=2)) == "2w"
    assert format_duration(timedelta(0)) == "0s"
