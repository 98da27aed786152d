"""Theta method (Assimakopoulos & Nikolopoulos; Hyndman & Billah's SES-with-drift form).

The series is seasonally adjusted by classical decomposition for each period of ``m``
with at least three seasons of history that passes the M4 seasonality test
(multiplicative for strictly positive data, additive otherwise). The adjusted series is
forecast by simple exponential smoothing plus half the slope of a linear trend
(theta = 2), then re-seasonalised. The interval is the SES one,
``sigma * sqrt(1 + (k - 1) * alpha**2)`` at step ``k``.
"""

from __future__ import annotations

import numpy as np

from .base import ForecastResult, Periods, finish, normal_interval, usable_periods, validate
from .decompose import seasonal_component


def ses_levels(x: np.ndarray, alpha: float) -> np.ndarray:
    """SES levels ``l[t] = alpha * x[t] + (1 - alpha) * l[t-1]``, started at ``x[0]``."""
    from scipy.signal import lfilter  # lazy: scipy.signal takes ~0.5 s to import

    zi = np.array([(1.0 - alpha) * x[0]])
    levels, _ = lfilter([alpha], [1.0, -(1.0 - alpha)], x, zi=zi)
    return levels


def fit_alpha(x: np.ndarray) -> float:
    """Smoothing weight minimising the one-step squared error."""
    from scipy.optimize import minimize_scalar

    def sse(alpha: float) -> float:
        levels = ses_levels(x, alpha)
        return float(np.sum((x[1:] - levels[:-1]) ** 2))

    return float(minimize_scalar(sse, bounds=(0.01, 0.99), method="bounded").x)


def theta_point(x: np.ndarray, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Theta(2) forecast of a non-seasonal series and the SES standard error per step."""
    n, alpha = len(x), fit_alpha(x)
    levels = ses_levels(x, alpha)
    slope = float(np.polyfit(np.arange(n), x, 1)[0])
    k = np.arange(1, h + 1)
    drift = 0.5 * slope * (k - 1 + 1.0 / alpha - (1.0 - alpha) ** n / alpha)
    sigma = float(np.std(x[1:] - levels[:-1]))
    return levels[-1] + drift, sigma * np.sqrt(1.0 + (k - 1) * alpha**2)


def forecast(y: np.ndarray, h: int, m: Periods, level: float = 0.8) -> ForecastResult:
    """Seasonally adjusted Theta forecast with an SES-based interval."""
    y = validate(y, h, level)
    mult = bool(np.min(y) > 0)
    periods = usable_periods(len(y), m, cycles=3.0)
    hist, fut = seasonal_component(y, periods, h, mult)
    adj = y / hist if mult else y - hist
    point, se = theta_point(adj, h)
    lo, hi = normal_interval(point, se, level)
    out = [a * fut if mult else a + fut for a in (point, lo, hi)]
    info = {"periods": list(periods), "multiplicative": mult}
    yhat, lower, upper = out
    return finish(yhat, lower, upper, "theta", info)
