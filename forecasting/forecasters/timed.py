"""Time-aware entry point: raw samples in, timestamped forecast out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from .base import ForecastResult
from .decompose import is_seasonal_beyond
from .prepare import PreparedSeries, prepare_series

DAY = timedelta(days=1)
#: Longer seasonal periods (in steps) are ignored: use a coarser step instead
#: (2016 = a week of 5-minute steps).
MAX_PERIOD = 2016


@dataclass
class TimedForecast:
    """Forecast on future timestamps, with reliability flags for the UI/alerts."""

    timestamps: list[datetime]
    yhat: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    model: str
    info: dict
    reliable: bool
    reasons: list[str] = field(default_factory=list)
    #: level -> (lower, upper) of the calibrated bands (80 % and 95 %).
    bands: dict[float, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


def _steps_in(span: timedelta, step: timedelta) -> int | None:
    """``span / step`` if it is a whole number > 1, else None."""
    ratio = span / step
    return int(round(ratio)) if ratio > 1 and abs(ratio - round(ratio)) < 1e-9 else None


def choose_periods(
    values: np.ndarray, step: timedelta, seasonalities: str | Sequence[str] = "auto"
) -> tuple[int, ...]:
    """Seasonal periods in steps: daily (2+ days of data), weekly (3+ weeks, detected).

    ``seasonalities`` is "auto" or a subset of ("daily", "weekly"); () means none.
    """
    wanted = ("daily", "weekly") if seasonalities == "auto" else tuple(seasonalities)
    unknown = set(wanted) - {"daily", "weekly"}
    if unknown:
        raise ValueError(f"unknown seasonalities {sorted(unknown)}; use 'daily' and/or 'weekly'")
    n, out = len(values), []
    daily, weekly = _steps_in(DAY, step), _steps_in(7 * DAY, step)
    if "daily" in wanted and daily and n >= 2 * daily and daily <= MAX_PERIOD:
        out.append(daily)
    weekly_fits = (
        weekly is not None and "weekly" in wanted and n >= 3 * weekly and weekly <= MAX_PERIOD
    )
    if weekly and weekly_fits and (seasonalities != "auto" or weekly_detected(values, weekly)):
        out.append(weekly)
    return tuple(out)


def weekly_detected(values: np.ndarray, weekly: int) -> bool:
    """Seasonality test at the weekly lag, on hourly means when the step is finer.

    The test's bound grows with the number of lags, so at e.g. 5-minute steps a strong
    daily cycle would hide the weekly one; averaging to hourly buckets avoids that.
    """
    k = max(1, weekly // 168)
    usable = len(values) - len(values) % k
    coarse = values[len(values) - usable :].reshape(-1, k).mean(axis=1)
    daily = weekly // 7
    return is_seasonal_beyond(coarse, daily // k if daily % k == 0 else 1, weekly // k)


def _clip(res: ForecastResult, prep: PreparedSeries) -> list[np.ndarray]:
    """Clip the curves at 0 when the history never went below 0."""
    arrays = [res.yhat, res.lower, res.upper]
    return [np.maximum(a, 0.0) for a in arrays] if prep.nonnegative else arrays


def _clip_pair(
    pair: tuple[np.ndarray, np.ndarray], prep: PreparedSeries
) -> tuple[np.ndarray, np.ndarray]:
    """A band clipped at 0 when the history never went below 0."""
    lo, hi = pair
    return (np.maximum(lo, 0.0), np.maximum(hi, 0.0)) if prep.nonnegative else (lo, hi)


def fit_predict(
    timestamps: Sequence[datetime],
    values: Sequence[float],
    horizon: timedelta,
    step: timedelta,
    model: str = "auto",
    level: float = 0.8,
    seasonalities: str | Sequence[str] = "auto",
) -> TimedForecast:
    """Prepare the data, pick seasonal periods from ``step``, forecast ``horizon`` ahead."""
    from . import forecast_values

    if horizon <= timedelta(0) or step <= timedelta(0):
        raise ValueError(f"horizon and step must be positive, got {horizon!r} and {step!r}")
    h = math.ceil(horizon / step)
    prep = prepare_series(timestamps, values, step, season=_steps_in(DAY, step))
    periods = choose_periods(prep.values, step, seasonalities)
    res = forecast_values(prep.values, h, periods or 1, model=model, level=level)
    future = [prep.timestamps[-1] + (i + 1) * step for i in range(h)]
    yhat, lower, upper = _clip(res, prep)
    info = {
        **res.info,
        "prepare": prep.info,
        "periods": list(periods),
        "step_seconds": step.total_seconds(),
    }
    bands = {lv: _clip_pair(pair, prep) for lv, pair in res.bands.items()}
    return TimedForecast(
        future, yhat, lower, upper, res.model, info, prep.reliable, prep.reasons, bands
    )
