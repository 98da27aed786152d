"""The page-wide time range: quick choices, custom ranges, and what a bad one says."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from metrics.timerange import CHOICES, from_request

US = 1_000_000


def parse(**params):
    return from_request(RequestFactory().get("/", params))


@pytest.mark.parametrize("key", CHOICES)
def test_a_quick_range_ends_now_and_follows_live(key):
    r = parse(range=key)
    assert (r.key, r.live, r.error) == (key, True, "")
    assert r.seconds == {"15m": 900, "1h": 3600, "6h": 21600, "24h": 86400, "7d": 604800}[key]


def test_a_custom_range_with_an_end_is_not_live():
    r = parse(start="2026-11-22T09:00:00Z", end="2026-11-22T10:30:00Z")
    assert (r.key, r.live, r.seconds, r.error) == ("custom", False, 5400, "")


def test_a_custom_range_without_an_end_runs_to_now_and_is_live():
    r = parse(start="-2h")
    assert (r.key, r.live, r.seconds) == ("custom", True, 7200)


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"start": "yesterday-ish"}, "not understood"),
        ({"start": "2026-11-22T10:00:00Z", "end": "2026-11-22T09:00:00Z"}, "ends before"),
    ],
)
def test_a_bad_custom_range_falls_back_and_says_why(params, says):
    r = parse(**params, range="6h")
    assert (r.key, r.live) == ("6h", True)
    assert says in r.error


def test_an_unknown_quick_range_is_the_default_without_complaint():
    r = parse(range="3y")
    assert (r.key, r.error) == ("1h", "")
