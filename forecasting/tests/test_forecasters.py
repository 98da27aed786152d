"""Array-level forecasting models: accuracy on known patterns, intervals, auto, errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from forecasting.forecasters import MODELS, forecast_values
from forecasting.forecasters.auto import expand_periods
from forecasting.forecasters.auto import forecast as auto_forecast

FAST_MODELS = ["ets", "theta", "seasonal_naive", "linear_ar", "auto"]


def daily_series(n: int, noise: float = 1.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """100 + a 24-step sine (amplitude 10) + Gaussian noise; returns (noisy, true)."""
    t = np.arange(n)
    true = 100.0 + 10.0 * np.sin(2 * np.pi * t / 24)
    return true + np.random.default_rng(seed).normal(0, noise, n), true


def future_truth(n: int, h: int) -> np.ndarray:
    """The noise-free continuation of :func:`daily_series`."""
    t = np.arange(n, n + h)
    return 100.0 + 10.0 * np.sin(2 * np.pi * t / 24)


def test_registry_has_the_documented_names() -> None:
    assert {"prophet", "ets", "theta", "seasonal_naive", "auto"} <= set(MODELS)


@pytest.mark.parametrize("name", FAST_MODELS)
def test_model_recovers_daily_seasonality(name: str) -> None:
    y, _ = daily_series(24 * 14)
    res = forecast_values(y, 48, 24, model=name)
    assert res.yhat.shape == res.lower.shape == res.upper.shape == (48,)
    assert np.mean(np.abs(res.yhat - future_truth(len(y), 48))) < 2.0
    assert np.all(res.lower <= res.yhat) and np.all(res.yhat <= res.upper)
    json.dumps(res.info)


def test_prophet_recovers_daily_seasonality() -> None:
    y, _ = daily_series(24 * 7)
    res = forecast_values(y, 24, 24, model="prophet")
    assert res.model == "prophet"
    assert np.mean(np.abs(res.yhat - future_truth(len(y), 24))) < 3.0
    assert np.all(res.lower < res.upper)


@pytest.mark.parametrize("name", ["seasonal_naive", "linear_ar", "theta", "ets"])
def test_interval_coverage_is_near_nominal(name: str) -> None:
    y, _ = daily_series(24 * 40, noise=2.0, seed=3)
    inside, total = 0, 0
    for cut in range(24 * 20, len(y) - 24 + 1, 24 * 2):
        res = forecast_values(y[:cut], 24, 24, model=name, level=0.8)
        actual = y[cut : cut + 24]
        inside += int(np.sum((actual >= res.lower) & (actual <= res.upper)))
        total += len(actual)
    assert 0.7 <= inside / total <= 0.9


def test_auto_picks_seasonal_naive_for_an_exactly_repeating_pattern() -> None:
    pattern = np.random.default_rng(1).uniform(10, 50, 24)
    y = np.tile(pattern, 12)
    res = forecast_values(y, 24, 24, model="auto")
    assert "seasonal_naive" in res.info["weights"]
    assert res.info["backtest"]["seasonal_naive"]["smape"] == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(res.yhat, pattern, rtol=1e-3)


def test_auto_weights_the_backtest_winner_on_a_seasonal_random_walk() -> None:
    rng = np.random.default_rng(4)
    walks = np.cumsum(rng.normal(0, 3, (14, 24)), axis=0)  # one random walk per hour of day
    y = (walks + rng.uniform(60, 100, 24)).ravel()
    res = auto_forecast(y, 24, 24, candidates=("seasonal_naive", "theta"))
    scores = {k: v["score"] for k, v in res.info["backtest"].items()}
    assert scores["seasonal_naive"] == pytest.approx(1.0) and scores["theta"] > 1.2
    assert res.info["weights"]["seasonal_naive"] > 0.6
    assert res.model == "auto:seasonal_naive+theta"


def test_auto_picks_a_trend_model_for_a_noisy_trend() -> None:
    t = np.arange(24 * 10)
    y = 10.0 + 0.5 * t + np.random.default_rng(2).normal(0, 0.5, len(t))
    res = forecast_values(y, 24, 24, model="auto")
    scores = {k: v["score"] for k, v in res.info["backtest"].items()}
    assert min(scores, key=scores.get) != "seasonal_naive"
    assert "seasonal_naive" not in res.info["weights"]
    assert np.mean(np.abs(res.yhat - (10.0 + 0.5 * np.arange(240, 264)))) < 2.0


def test_auto_adds_a_weekly_period_when_the_data_has_one() -> None:
    t = np.arange(24 * 7 * 4)
    weekday = (t // 24) % 7
    y = 100 + 10 * np.sin(2 * np.pi * t / 24) + 30 * (weekday >= 5)
    y = y + np.random.default_rng(0).normal(0, 1, len(t))
    assert expand_periods(y, 24) == (24, 168)
    assert expand_periods(y[: 24 * 20], 24) == (24,)
    noise = np.random.default_rng(0).normal(0, 1, len(t))
    assert expand_periods(noise, 24) == (24,)
    res = forecast_values(y[: 24 * 26], 48, 24, model="auto")  # next: a Saturday and Sunday
    assert res.info["periods"] == [24, 168]
    weekend = 100 + 10 * np.sin(2 * np.pi * np.arange(48) / 24) + 30
    assert np.mean(np.abs(res.yhat - weekend)) < 3.0


def test_auto_falls_back_for_short_histories() -> None:
    y, _ = daily_series(40)
    res = forecast_values(y, 24, 24, model="auto")
    assert res.model == "auto:theta"
    assert "too short" in res.info["reasons"][0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"h": 0}, "horizon h must be a positive integer"),
        ({"h": -3}, "horizon h must be a positive integer"),
        ({"y": np.arange(5.0)}, "history too short"),
        ({"y": np.r_[np.arange(30.0), np.nan]}, "NaN"),
        ({"model": "arima"}, "unknown model 'arima'"),
        ({"level": 1.5}, "level must be strictly between 0 and 1"),
        ({"m": 0}, "seasonal period m must be positive"),
    ],
)
def test_bad_input_raises_a_clear_value_error(kwargs: dict, message: str) -> None:
    args = {"y": daily_series(100)[0], "h": 12, "m": 24, "model": "auto", "level": 0.8}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        forecast_values(args["y"], args["h"], args["m"], model=args["model"], level=args["level"])
