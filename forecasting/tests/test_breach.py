"""time_to_breach on simple curves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from forecasting.forecasters import time_to_breach

T0 = datetime(2026, 1, 1, tzinfo=UTC)
TIMES = [T0 + timedelta(hours=i) for i in range(10)]
LINE = 10.0 + np.arange(10.0)


def test_linear_trend_breach_is_interpolated() -> None:
    when = time_to_breach(TIMES, LINE, LINE - 1, LINE + 1, threshold=15.5)
    assert when == T0 + timedelta(hours=5, minutes=30)


def test_upper_bound_breaches_earlier_than_the_point_forecast() -> None:
    when = time_to_breach(TIMES, LINE, LINE - 2, LINE + 2, threshold=15.5, bound="upper")
    assert when == T0 + timedelta(hours=3, minutes=30)


def test_downward_breach_uses_the_lower_bound() -> None:
    down = 20.0 - np.arange(10.0)
    when = time_to_breach(TIMES, down, down - 1, down + 1, 14.0, direction="<", bound="lower")
    assert when == T0 + timedelta(hours=5)


def test_no_breach_returns_none() -> None:
    assert time_to_breach(TIMES, LINE, LINE, LINE, threshold=100.0) is None


def test_already_beyond_threshold_returns_first_time() -> None:
    assert time_to_breach(TIMES, LINE, LINE, LINE, threshold=0.0) == T0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"direction": ">="}, "direction must be one of"), ({"bound": "mean"}, "bound must be")],
)
def test_bad_arguments_raise(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        time_to_breach(TIMES, LINE, LINE, LINE, 15.0, **kwargs)


def test_length_mismatch_raises() -> None:
    with pytest.raises(ValueError, match="same length"):
        time_to_breach(TIMES[:3], LINE, LINE, LINE, 15.0)
