"""The chunk codec: exact round trips (NaN payloads, ±Inf, -0.0, irregular timestamps),
PostgreSQL-like statistics, merging with last-write-wins, window splitting."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.chunks.codec import WIDTH_US, decode, encode, merge, split_windows, stats

floats = st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True)
raw_bits = st.integers(min_value=0, max_value=2**64 - 1).map(
    lambda b: np.frombuffer(np.uint64(b).tobytes(), dtype="<f8")[0]
)


@st.composite
def window_points(draw) -> tuple[np.ndarray, np.ndarray]:
    window = draw(st.integers(min_value=-5, max_value=200_000)) * WIDTH_US
    offsets = draw(st.sets(st.integers(0, WIDTH_US - 1), min_size=1, max_size=300))
    ts = window + np.array(sorted(offsets), dtype=np.int64)
    values = draw(st.lists(st.one_of(floats, raw_bits), min_size=len(ts), max_size=len(ts)))
    return ts, np.array(values, dtype=np.float64)


@settings(max_examples=150, deadline=None)
@given(window_points())
def test_round_trip_is_bit_exact(points):
    ts, values = points
    chunk = encode(ts, values)
    got_ts, got_values = decode(chunk.ts_data, chunk.value_data)
    assert got_ts.dtype == np.int64 and np.array_equal(got_ts, ts)
    assert np.array_equal(got_values.view("<u8"), values.view("<u8"))
    assert (chunk.count, chunk.first_ts, chunk.last_ts) == (len(ts), ts[0], ts[-1])
    assert chunk.start == (int(ts[0]) // WIDTH_US) * WIDTH_US
    assert np.array_equal(np.float64(chunk.last).view("<u8"), values[-1:].view("<u8")[0])


def test_regular_cpu_series_compresses_below_two_bytes_per_point():
    rng = np.random.default_rng(1)
    ts = np.arange(2_160, dtype=np.int64) * 10_000_000
    values = np.round(40 + rng.normal(0, 3, len(ts)), 2)
    chunk = encode(ts, values)
    assert (len(chunk.ts_data) + len(chunk.value_data)) / len(ts) < 2.0


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.0, -2.5, 3.0], (-2.5, 3.0, 1.5)),
        ([1.0, float("nan"), -4.0], (-4.0, float("nan"), float("nan"))),
        ([float("nan")], (float("nan"), float("nan"), float("nan"))),
        ([float("inf"), 1.0], (1.0, float("inf"), float("inf"))),
        ([-0.0], (-0.0, -0.0, -0.0)),
    ],
)
def test_stats_follow_postgresql(values, expected):
    got = stats(np.array(values))
    np.testing.assert_array_equal(np.array(got), np.array(expected))


@pytest.mark.parametrize(
    ("ts", "values"),
    [
        ([], []),
        ([1, 2], [1.0]),
        ([2, 1], [1.0, 2.0]),
        ([1, 1], [1.0, 2.0]),
        ([WIDTH_US - 1, WIDTH_US], [1.0, 2.0]),
    ],
)
def test_encode_refuses_what_is_not_one_sorted_window(ts, values):
    with pytest.raises(ValueError):
        encode(np.array(ts, dtype=np.int64), np.array(values))


def test_merge_new_wins_on_equal_timestamps():
    old = (np.array([1, 3, 5]), np.array([1.0, 3.0, 5.0]))
    new = (np.array([3, 4]), np.array([30.0, 40.0]))
    ts, values = merge(old, new)
    assert ts.tolist() == [1, 3, 4, 5] and values.tolist() == [1.0, 30.0, 40.0, 5.0]


def test_split_windows():
    ts = np.array([0, 5, WIDTH_US, 3 * WIDTH_US + 1, 3 * WIDTH_US + 2])
    assert split_windows(ts) == [(0, 2), (2, 3), (3, 5)]
    assert split_windows(np.array([], dtype=np.int64)) == []
