"""Seasonal naive: repeat the last full season, with empirical intervals.

The interval at step ``k`` comes from the history's own seasonal-naive errors at the same
look-back (``y[t] - y[t - p * ceil(k / p)]``), so it is as wide as this method has
actually been wrong in the past.
"""

from __future__ import annotations

import numpy as np

from .base import ForecastResult, Periods, finish, usable_periods, validate

#: Only the most recent errors describe the current noise level.
ERROR_WINDOW = 2000


def _period(n: int, m: Periods) -> int:
    """The longest period with at least one full season of history (1 = plain naive)."""
    periods = usable_periods(n, m, cycles=2.0)
    return periods[-1] if periods else 1


def _point(y: np.ndarray, h: int, p: int) -> np.ndarray:
    """Repeat the last ``p`` values over ``h`` steps."""
    last = y[-p:]
    return np.array([last[k % p] for k in range(h)])


def _lag_errors(y: np.ndarray, lag: int) -> np.ndarray:
    """Recent errors of predicting each point by the value ``lag`` steps earlier."""
    if len(y) <= lag:
        return np.zeros(1)
    return (y[lag:] - y[:-lag])[-ERROR_WINDOW:]


def _bounds(y: np.ndarray, h: int, p: int, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Empirical error quantiles per step, added to the point forecast by the caller."""
    q = ((1.0 - level) / 2.0, (1.0 + level) / 2.0)
    lo, hi = np.empty(h), np.empty(h)
    for c in sorted({k // p + 1 for k in range(h)}):
        steps = [k for k in range(h) if k // p + 1 == c]
        errs = _lag_errors(y, p * c) if len(y) > 2 * p * c else _lag_errors(y, p) * np.sqrt(c)
        lo[steps], hi[steps] = np.quantile(errs, q)
    return lo, hi


def forecast(y: np.ndarray, h: int, m: Periods, level: float = 0.8) -> ForecastResult:
    """Seasonal naive forecast with the longest period of ``m`` that the history supports."""
    y = validate(y, h, level)
    p = _period(len(y), m)
    yhat = _point(y, h, p)
    lo, hi = _bounds(y, h, p, level)
    return finish(yhat, yhat + lo, yhat + hi, "seasonal_naive", {"period": p})
