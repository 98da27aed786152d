"""The vectorised path accepts and refuses exactly what the per-point rules do."""

from __future__ import annotations

import math

import pytest

from metrics.ingest.fastpath import points
from metrics.ingest.rules import RuleError, Window, check_value, timestamp_to_us

NOW = 1_795_000_000
WINDOW = Window(oldest_us=(NOW - 86400) * 10**6, newest_us=(NOW + 600) * 10**6, now_us=NOW * 10**6)


def careful(raw):
    try:
        return [timestamp_to_us(t, WINDOW) for t, _ in raw], [check_value(v) for _, v in raw]
    except (RuleError, ValueError, TypeError):
        return None


CASES = [
    [[NOW, 1], [NOW - 1, 2.5]],
    [[NOW * 1000, 1.0]],  # milliseconds
    [[NOW * 10**6 + 7, 1.0]],  # microseconds
    [[NOW * 10**9 + 123_456_789, 1.0]],  # nanoseconds, exact
    [[NOW + 0.123456, -3.0]],  # fractional seconds
    [[NOW, True]],
    [[NOW, "1"]],
    [[NOW, math.nan]],
    [[NOW, math.inf]],
    [["2026-11-22T10:00:00Z", 1.0]],
    [[NOW - 2 * 86400, 1.0]],  # too old
    [[NOW + 3600, 1.0]],  # too far ahead
    [[NOW, 1, 2]],
    [[NOW]],
    [],
]


@pytest.mark.parametrize("raw", CASES)
def test_the_fast_path_agrees_with_the_per_point_rules(raw):
    fast = points(raw, WINDOW)
    slow = careful(raw)
    if fast is None:
        assert slow is None or any(isinstance(t, str) for t, *_ in raw)
    else:
        assert fast == slow
