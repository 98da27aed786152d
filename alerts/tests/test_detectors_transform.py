"""Tests of ``alerts.detectors.transform.counter_rate`` (pure numpy, no Django)."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from alerts.detectors.transform import counter_rate


@pytest.fixture(autouse=True)
def _clear_cache():
    """Override the project conftest's Django cache reset: these tests never use Django."""
    yield


def stamps(n: int, step_s: int = 10) -> list[datetime]:
    return [datetime(2024, 5, 1) + timedelta(seconds=step_s * i) for i in range(n)]


def test_it_divides_the_increase_by_the_elapsed_seconds() -> None:
    rate = counter_rate(stamps(4), [100.0, 150.0, 150.0, 250.0])
    assert np.isnan(rate[0])
    assert rate[1:] == pytest.approx([5.0, 0.0, 10.0])


def test_it_treats_a_decrease_as_a_reset_to_zero() -> None:
    # 1000 -> restart -> 30: 30 requests since the restart, over 10 s
    rate = counter_rate(stamps(4), [900.0, 1000.0, 30.0, 80.0])
    assert rate[1:] == pytest.approx([10.0, 3.0, 5.0])
    assert np.all(rate[1:] >= 0)


def test_it_uses_the_real_spacing_of_irregular_samples() -> None:
    ts = [datetime(2024, 5, 1), datetime(2024, 5, 1, 0, 0, 5), datetime(2024, 5, 1, 0, 1, 5)]
    rate = counter_rate(ts, [0.0, 10.0, 40.0])
    assert rate[1:] == pytest.approx([2.0, 0.5])


def test_chunks_with_the_previous_point_equal_one_call() -> None:
    rng = np.random.default_rng(0)
    ts = stamps(200)
    x = np.cumsum(rng.integers(0, 50, 200)).astype(float)
    x[120:] -= x[119] + 5  # a reset
    x[120:] = np.maximum(x[120:], 0) + np.arange(80)
    whole = counter_rate(ts, x)
    first = counter_rate(ts[:77], x[:77])
    rest = counter_rate(ts[77:], x[77:], previous=(ts[76], x[76]))
    assert np.allclose(np.r_[first, rest], whole, equal_nan=True)
    assert np.isnan(counter_rate(ts[77:], x[77:])[0])


def test_missing_values_and_repeated_timestamps_give_nan_not_errors() -> None:
    ts = stamps(5)
    ts[4] = ts[3]
    rate = counter_rate(ts, [0.0, 10.0, np.nan, 30.0, 40.0])
    assert np.isnan(rate[2])
    assert rate[3] == pytest.approx(1.0)  # from the last finite sample, 20 s earlier
    assert np.isnan(rate[4])  # no time elapsed


def test_it_accepts_datetime64_and_epoch_seconds() -> None:
    ts = stamps(3)
    x = [5.0, 25.0, 45.0]
    a = counter_rate(np.array(ts, dtype="datetime64[us]"), x)
    b = counter_rate(np.array([t.timestamp() for t in ts]), x)
    assert np.allclose(a, b, equal_nan=True) and a[2] == pytest.approx(2.0)
    with pytest.raises(ValueError):
        counter_rate(ts, [1.0])


def test_an_empty_series_gives_an_empty_rate() -> None:
    assert counter_rate([], []).shape == (0,)
