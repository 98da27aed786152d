"""Data preparation and the time-aware fit_predict entry point."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from forecasting.forecasters import fit_predict
from forecasting.forecasters.prepare import detect_level_shift, prepare_series, resample
from forecasting.forecasters.timed import choose_periods

T0 = datetime(2026, 1, 5, tzinfo=UTC)
HOUR = timedelta(hours=1)


def hourly(n: int, seed: int = 0, base: float = 100.0) -> tuple[list[datetime], np.ndarray]:
    """``n`` hourly points with a daily cycle and a little noise."""
    t = np.arange(n)
    noise = np.random.default_rng(seed).normal(0, 1, n)
    return [T0 + i * HOUR for i in range(n)], base + 10 * np.sin(2 * np.pi * t / 24) + noise


def test_resample_averages_irregular_samples_per_bucket() -> None:
    times = [T0 + timedelta(minutes=mi) for mi in (5, 20, 50, 70, 130)]
    s = resample(times, [1.0, 2.0, 3.0, 10.0, 7.0], HOUR)
    assert list(s.to_numpy()) == [2.0, 10.0, 7.0]
    assert s.index[0].to_pydatetime() == T0


def test_short_gaps_are_interpolated_and_reliable() -> None:
    times, values = hourly(24 * 7)
    keep = [i for i in range(len(times)) if i not in (50, 51, 52)]
    prep = prepare_series([times[i] for i in keep], values[keep], HOUR, season=24)
    assert len(prep.values) == 24 * 7 and prep.reliable and prep.reasons == []
    np.testing.assert_allclose(prep.values[50:53], np.linspace(values[49], values[53], 5)[1:4])


def test_long_gap_makes_the_forecast_unreliable_with_a_reason() -> None:
    times, values = hourly(24 * 14)
    keep = [i for i in range(len(times)) if not 100 <= i < 160]
    out = fit_predict([times[i] for i in keep], values[keep], timedelta(days=1), HOUR)
    assert out.reliable is False
    assert "data missing for 2 days, 12:00:00" in out.reasons[0]
    assert len(out.timestamps) == 24 and out.timestamps[0] == times[-1] + HOUR


def test_nan_values_are_dropped_before_resampling() -> None:
    times, values = hourly(24 * 7)
    values[10] = np.nan
    prep = prepare_series(times, values, HOUR, season=24)
    assert np.all(np.isfinite(prep.values)) and prep.reliable


def test_recent_level_shift_cuts_the_history() -> None:
    times, values = hourly(24 * 28)
    values[24 * 18 :] += 50.0
    assert detect_level_shift(values, 24) == 24 * 18
    out = fit_predict(times, values, timedelta(hours=24), HOUR)
    assert out.info["prepare"]["history_used_from"] == times[24 * 18].isoformat()
    assert abs(np.mean(out.yhat) - 150.0) < 3.0


def test_trend_weekends_and_incidents_are_not_level_shifts() -> None:
    times, values = hourly(24 * 21)
    assert detect_level_shift(values + 0.2 * np.arange(len(values)), 24) is None
    weekend = ((np.arange(len(values)) // 24) % 7 >= 5) * 30.0
    assert detect_level_shift(values + weekend, 24) is None
    incident = values.copy()
    incident[24 * 15 : 24 * 16] += 80.0
    assert detect_level_shift(incident, 24) is None


def test_forecast_is_clipped_at_zero_for_non_negative_history() -> None:
    n = 24 * 10
    times = [T0 + i * HOUR for i in range(n)]
    values = np.maximum(0.0, 50.0 - 0.2 * np.arange(n)) + np.abs(np.sin(np.arange(n)))
    out = fit_predict(times, values, timedelta(days=3), HOUR, model="theta")
    assert np.all(out.yhat >= 0) and np.all(out.lower >= 0) and np.all(out.upper >= 0)


def test_negative_history_is_not_clipped() -> None:
    times, values = hourly(24 * 7, base=-20.0)
    out = fit_predict(times, values, timedelta(hours=12), HOUR, model="seasonal_naive")
    assert np.min(out.lower) < 0


def test_fit_predict_returns_aligned_timed_forecast() -> None:
    times, values = hourly(24 * 14)
    out = fit_predict(times, values, timedelta(hours=36), HOUR, model="auto")
    assert len(out.timestamps) == len(out.yhat) == len(out.lower) == len(out.upper) == 36
    assert out.reliable and out.model.startswith("auto:")
    assert out.info["periods"] == [24]
    json.dumps(out.info)
    assert np.mean(np.abs(out.yhat - (100 + 10 * np.sin(2 * np.pi * np.arange(336, 372) / 24)))) < 2


def test_choose_periods_from_step_and_history() -> None:
    t = np.arange(24 * 7 * 4)
    weekly = 10 * np.sin(2 * np.pi * t / 24) + 20 * ((t // 24) % 7 >= 5)
    assert choose_periods(weekly, HOUR) == (24, 168)
    assert choose_periods(weekly[:100], HOUR) == (24,)
    assert choose_periods(weekly[:40], HOUR) == ()
    assert choose_periods(weekly, HOUR, seasonalities=("daily",)) == (24,)
    assert choose_periods(weekly, timedelta(minutes=7)) == ()
    noise = np.random.default_rng(0).normal(0, 1, 60)
    assert choose_periods(noise, timedelta(days=1)) == ()


@pytest.mark.parametrize(
    ("horizon", "step", "message"),
    [
        (timedelta(0), HOUR, "horizon and step must be positive"),
        (timedelta(hours=5), timedelta(0), "horizon and step must be positive"),
    ],
)
def test_bad_durations_raise(horizon: timedelta, step: timedelta, message: str) -> None:
    times, values = hourly(48)
    with pytest.raises(ValueError, match=message):
        fit_predict(times, values, horizon, step)


def test_unusable_input_raises() -> None:
    times, _ = hourly(48)
    with pytest.raises(ValueError, match="no finite values"):
        fit_predict(times, [np.nan] * 48, timedelta(hours=5), HOUR)
    with pytest.raises(ValueError, match="same length"):
        fit_predict(times, [1.0] * 3, timedelta(hours=5), HOUR)
    with pytest.raises(ValueError, match="unknown seasonalities"):
        fit_predict(times, np.ones(48), timedelta(hours=5), HOUR, seasonalities=("yearly",))


@pytest.mark.parametrize(
    ("resolution", "span", "horizon", "step"),
    [
        (10, 6 * 3600, None, 60),  # a few hours of 10 s data: minutes, not hours
        (10, 86400, None, 300),
        (10, 14 * 86400, None, 3600),  # two weeks: hourly, as the old fixed default
        (300, 3600, None, 300),  # never finer than the data
        (10, 14 * 86400, 86400 + 600, 600),  # divides the horizon
        (10, 600, 7 * 86400, 300),  # at most 2016 steps ahead
    ],
)
def test_the_step_follows_the_data(resolution, span, horizon, step) -> None:
    from forecasting.forecasters.prepare import choose_step

    assert choose_step(resolution, span, horizon) == step


def test_a_horizon_from_the_data_is_a_quarter_of_it_at_most_a_day() -> None:
    from forecasting.forecasters.prepare import choose_horizon

    assert choose_horizon(6 * 3600, 60) == 90 * 60
    assert choose_horizon(30 * 86400, 3600) == 86400
    assert choose_horizon(100, 60) == 60  # at least one step
