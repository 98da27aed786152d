"""HTTP API parameters parsed like Prometheus: times, durations, series selectors."""

from __future__ import annotations

import pytest

from prom.promql import BadDataError
from prom.promql.params import parse_duration, parse_selector, parse_time


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("1435781451.781", 1_435_781_451_781),
        ("1435781451", 1_435_781_451_000),
        ("0.0005", 1),  # rounded to the millisecond
        ("-1.5", -1_500),
        ("2015-07-01T20:10:51.781Z", 1_435_781_451_781),
        ("2015-07-01T22:10:51+02:00", 1_435_781_451_000),
    ],
)
def test_times_are_unix_seconds_or_rfc3339(text, ms):
    assert parse_time(text) == ms


@pytest.mark.parametrize("text", ["", "yesterday", "2015-07-01", "1e400", "NaN", " 1"])
def test_unparseable_times_are_bad_data(text):
    with pytest.raises(BadDataError, match="cannot parse"):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "ms"),
    [("15", 15_000), ("0.5", 500), ("1m30s", 90_000), ("5m", 300_000), ("1ms", 1), ("0s", 0)],
)
def test_durations_are_seconds_or_promql_durations(text, ms):
    assert parse_duration(text) == ms


@pytest.mark.parametrize("text", ["5 minutes", "m", "1e30"])
def test_unparseable_durations_are_bad_data(text):
    with pytest.raises(BadDataError):
        parse_duration(text)


def test_a_series_selector_gives_its_matchers():
    matchers = parse_selector('{"cpu.usage", host=~"web-.*"}')
    assert [str(m) for m in matchers] == ['__name__="cpu.usage"', 'host=~"web-.*"']
    assert [str(m) for m in parse_selector("up")] == ['__name__="up"']


@pytest.mark.parametrize("text", ["rate(up[5m])", "up offset 5m", "up[5m]", "{", '{job=""}'])
def test_anything_but_a_plain_selector_is_refused(text):
    with pytest.raises(BadDataError):
        parse_selector(text)
