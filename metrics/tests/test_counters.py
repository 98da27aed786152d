"""``metrics.counters``: which series count (charted as rates) and a counter's increase."""

from __future__ import annotations

import pytest

from metrics.counters import increase, is_counter


@pytest.mark.parametrize(
    ("kind", "name", "expected"),
    [
        ("counter", "http_requests_total", True),
        ("histogram", "latency_seconds_bucket", True),
        ("histogram", "latency_seconds_sum", True),
        ("summary", "rpc_seconds_count", True),
        ("summary", "rpc_seconds", False),  # its quantiles are gauges
        ("gauge", "queue_bucket", False),  # a gauge histogram's buckets go up and down
        ("unknown", "latency_seconds_count", False),  # nothing says it counts
    ],
)
def test_counters_and_the_counting_series_of_histograms_and_summaries(kind, name, expected):
    assert is_counter(kind, name) is expected


def test_an_increase_is_the_difference_or_after_a_reset_the_value():
    assert increase([10.0, 50.0, 50.0], [30.0, 50.0, 7.0]).tolist() == [20.0, 0.0, 7.0]
