"""Intervals calibrated on the backtest errors (``forecasting.forecasters.calibrate``) and
the bands ``auto`` and named models return (pure, no Django)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from forecasting.forecasters import calibrate as cal
from forecasting.forecasters import forecast_values


@pytest.fixture(autouse=True)
def _clear_cache():
    """Override the project conftest's Django cache reset: these tests never use Django."""
    yield


def noisy_daily(n: int, seed: int = 0, noise: float = 2.0) -> np.ndarray:
    t = np.arange(n)
    return 100 + 10 * np.sin(2 * np.pi * t / 24) + np.random.default_rng(seed).normal(0, noise, n)


def calibration(errors_per_width: float) -> cal.Calibration:
    """A model with a ±1 interval around 0 whose backtest errors were ``errors_per_width``
    times that half-width (alternating sides)."""
    h = 24
    yhat, lower, upper = np.zeros(h), -np.ones(h), np.ones(h)
    actual = errors_per_width * np.where(np.arange(h) % 2, 1.0, -1.0)
    y = np.r_[np.zeros(100), actual]
    return cal.from_backtest(y, [100], [(yhat, lower, upper)], (yhat, lower, upper))


def test_an_error_is_scored_against_the_half_width_on_its_side() -> None:
    yhat, lower, upper = np.zeros(2), np.array([-1.0, -1.0]), np.array([4.0, 4.0])
    s = cal.scores(np.array([2.0, -2.0]), yhat, lower, upper, floor=1e-9)
    assert s == pytest.approx([0.5, -2.0])  # signed by the side it fell


def test_a_model_that_missed_on_one_side_is_widened_more_on_that_side() -> None:
    h = 24
    base = (np.zeros(h), -np.ones(h), np.ones(h))
    actual = np.where(np.arange(h) % 4 == 0, -0.5, 3.0)  # mostly far above the forecast
    c = cal.from_backtest(np.r_[np.zeros(100), actual], [100], [base], base)
    down, up = c.multipliers(0.95)
    assert up > down
    lo, hi = c.band(0.95)
    assert np.all(hi > -lo)


def test_a_model_whose_interval_was_too_narrow_gets_a_wider_band() -> None:
    right, narrow = calibration(1.0), calibration(4.0)
    assert right.scale == pytest.approx(1.0) and narrow.scale == pytest.approx(4.0)
    lo_r, hi_r = right.band(0.95)
    lo_n, hi_n = narrow.band(0.95)
    assert np.all(hi_n - lo_n > hi_r - lo_r)
    infl, pool, _ = cal.DEFAULT_PARAMS[0.95]
    assert hi_r == pytest.approx(np.full(24, infl))  # right-sized: only the inflation
    assert hi_n == pytest.approx(np.full(24, infl * 4.0**pool))


def test_bands_widen_with_the_level_and_match_the_table_at_its_levels() -> None:
    c = calibration(2.0)
    widths = [np.mean(np.subtract(*reversed(c.band(lv)))) for lv in (0.5, 0.8, 0.9, 0.95, 0.99)]
    assert widths == sorted(widths) and widths[0] > 0
    for level, params in cal.DEFAULT_PARAMS.items():
        assert cal.level_params(level, cal.DEFAULT_PARAMS) == pytest.approx(params)


def test_too_few_backtest_errors_give_no_calibration() -> None:
    base = (np.zeros(5), -np.ones(5), np.ones(5))
    assert cal.from_backtest(np.zeros(105), [100], [base], base) is None  # 5 < MIN_SCORES
    assert cal.from_backtest(np.zeros(200), [100], [None], base) is None  # the window failed


@pytest.mark.parametrize("model", ["auto", "theta"])
def test_forecasts_carry_nested_calibrated_bands(model: str) -> None:
    res = forecast_values(noisy_daily(24 * 14), 24, 24, model=model, level=0.95)
    lo80, hi80 = res.bands[0.8]
    lo95, hi95 = res.bands[0.95]
    assert np.all(lo95 <= lo80) and np.all(lo80 <= res.yhat) and np.all(res.yhat <= hi80)
    assert np.all(hi80 <= hi95) and np.any(hi80 < hi95)
    assert res.lower == pytest.approx(lo95) and res.upper == pytest.approx(hi95)
    summary = res.info["calibration"]
    assert summary["origins"] == 3 and summary["scores"] == 72
    json.dumps(res.info)


def test_the_95_band_covers_about_95_percent_of_what_follows() -> None:
    inside, total = 0, 0
    for seed in range(6):
        y = noisy_daily(24 * 16, seed=seed, noise=3.0)
        res = forecast_values(y[: 24 * 14], 48, 24, model="auto", level=0.95)
        actual = y[24 * 14 :]
        inside += int(np.sum((actual >= res.lower) & (actual <= res.upper)))
        total += len(actual)
    assert 0.88 <= inside / total <= 1.0


def test_a_history_too_short_to_backtest_keeps_the_models_own_interval() -> None:
    res = forecast_values(noisy_daily(30), 24, 24, model="auto", level=0.8)
    assert res.info["calibration"] is None and res.info["origins"] == 0
    assert set(res.bands) == {0.8, 0.95}
    assert np.all(res.bands[0.95][1] >= res.upper)
