"""``auto``'s time budget for slow candidates (Prophet): skipped with the reason when the
budget cannot hold its backtest, competing when it can (pure, no Django)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from forecasting.forecasters import budget as timing
from forecasting.forecasters.auto import forecast as auto_forecast


@pytest.fixture(autouse=True)
def _clear_cache():
    """Override the project conftest's Django cache reset: these tests never use Django."""
    yield


def daily(n: int) -> np.ndarray:
    t = np.arange(n)
    return 100 + 10 * np.sin(2 * np.pi * t / 24) + np.random.default_rng(0).normal(0, 1, n)


def test_a_backtest_over_the_budget_is_not_affordable_and_says_why() -> None:
    ok, why = timing.affordable("prophet", 1000, 4, spent=0.5, budget=1.2)
    assert not ok and why is not None
    assert "prophet not tried" in why and "1.2 s time budget" in why


def test_an_unlimited_budget_affords_anything() -> None:
    assert timing.affordable("prophet", 10**6, 100, spent=50.0, budget=math.inf) == (True, None)


def test_the_estimate_grows_with_the_history_and_the_fits() -> None:
    assert timing.estimate("prophet", 2000, 4) > timing.estimate("prophet", 1000, 4)
    assert timing.estimate("prophet", 1000, 8) > timing.estimate("prophet", 1000, 4)
    assert timing.estimate("linear_ar", 1000, 4) == 0.0  # fast candidates need no budget


def test_auto_skips_prophet_over_the_budget_and_records_the_reason() -> None:
    res = auto_forecast(daily(24 * 10), 24, 24, budget=0.0)
    assert "prophet" not in res.info["backtest"]
    assert any(r.startswith("prophet not tried") for r in res.info["reasons"])


def test_auto_lets_prophet_compete_within_the_budget() -> None:
    res = auto_forecast(daily(24 * 10), 24, 24, candidates=("seasonal_naive",), budget=math.inf)
    assert set(res.info["backtest"]) == {"seasonal_naive", "prophet"}
    assert res.info["backtest"]["prophet"]["smape"] is not None  # it was really backtested
    assert not any("not tried" in r for r in res.info["reasons"])
