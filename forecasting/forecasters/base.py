"""Shared types and helpers for the array-level forecasting models.

Every model has the signature ``forecast(y, h, m, level=0.8) -> ForecastResult`` where
``y`` is a clean, regularly spaced history (oldest first), ``h`` the number of steps to
forecast, ``m`` the seasonal period(s) in steps and ``level`` the central interval width.
This module never imports Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np

Periods = int | tuple[int, ...]

#: Fewest history points any model accepts.
MIN_POINTS = 10


@dataclass
class ForecastResult:
    """Point forecast and central prediction interval for ``h`` future steps."""

    yhat: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    model: str
    info: dict[str, Any] = field(default_factory=dict)
    #: level -> (lower, upper) of every band drawn (e.g. 0.8 and 0.95), when calibrated.
    bands: dict[float, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    #: What the bands were calibrated from (``calibrate.Calibration``), if anything.
    calibration: Any = None


def as_periods(m: Periods) -> tuple[int, ...]:
    """Return the seasonal period(s) as a sorted tuple of distinct ints > 1 (1 = no season)."""
    raw = (m,) if isinstance(m, int | np.integer) else tuple(m)
    if not raw or any(int(p) != p or int(p) < 1 for p in raw):
        raise ValueError(f"seasonal period m must be positive integers, got {m!r}")
    return tuple(sorted({int(p) for p in raw if int(p) > 1}))


def usable_periods(n: int, m: Periods, cycles: float = 2.0) -> tuple[int, ...]:
    """The periods of ``m`` for which the history holds at least ``cycles`` full seasons."""
    return tuple(p for p in as_periods(m) if n >= cycles * p)


def validate(y: Any, h: int, level: float, min_points: int = MIN_POINTS) -> np.ndarray:
    """Check the common arguments and return ``y`` as a 1-D float array.

    Raises:
        ValueError: with a message that says what is wrong and how to fix it.
    """
    if isinstance(h, bool) or not isinstance(h, int | np.integer) or h <= 0:
        raise ValueError(f"horizon h must be a positive integer, got {h!r}")
    if not 0.0 < float(level) < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1 (e.g. 0.8), got {level!r}")
    arr = np.asarray(y, dtype=float).reshape(-1)
    if not np.all(np.isfinite(arr)):
        bad = int(np.sum(~np.isfinite(arr)))
        raise ValueError(
            f"history contains {bad} NaN/infinite value(s); fill or drop them first "
            "(forecasting.forecasters.prepare.prepare_series interpolates short gaps)"
        )
    if len(arr) < min_points:
        raise ValueError(f"history too short: {len(arr)} point(s), need at least {min_points}")
    return arr


def normal_interval(
    yhat: np.ndarray, sigma: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric Gaussian interval ``yhat ± z * sigma`` of central width ``level``."""
    z = NormalDist().inv_cdf(0.5 + level / 2.0)
    return yhat - z * sigma, yhat + z * sigma


def smape(actual: np.ndarray, fc: np.ndarray) -> float:
    """Symmetric MAPE in percent (M4 definition; 0/0 counts as 0)."""
    den = np.abs(actual) + np.abs(fc)
    ratio = np.abs(actual - fc) / np.where(den == 0, 1.0, den)
    return float(200.0 * np.mean(np.where(den == 0, 0.0, ratio)))


def mase_scale(history: np.ndarray, m: int) -> float:
    """MASE denominator: mean absolute seasonal (lag ``m``) difference of the history."""
    lag = m if len(history) > m else 1
    scale = float(np.mean(np.abs(history[lag:] - history[:-lag]))) if len(history) > lag else 0.0
    return scale if scale > 0 else 1.0


def mase(actual: np.ndarray, fc: np.ndarray, history: np.ndarray, m: int) -> float:
    """Mean absolute scaled error with a lag-``m`` seasonal-naive scale."""
    return float(np.mean(np.abs(actual - fc)) / mase_scale(history, m))


def finish(
    yhat: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    model: str,
    info: dict[str, Any] | None = None,
) -> ForecastResult:
    """Build a ForecastResult, checking the values are finite and ordered."""
    yhat, lower, upper = (np.asarray(a, dtype=float).reshape(-1) for a in (yhat, lower, upper))
    if not all(np.all(np.isfinite(a)) for a in (yhat, lower, upper)):
        raise ValueError(f"model {model!r} produced non-finite forecasts")
    lo, hi = np.minimum(lower, yhat), np.maximum(upper, yhat)
    return ForecastResult(yhat=yhat, lower=lo, upper=hi, model=model, info=info or {})
