"""Exponential smoothing (statsmodels ``ETSModel``): additive errors, damped trend.

The seasonal component uses the shortest period of ``m`` with at least two full seasons
of history (ETS holds one seasonal state per phase, so a weekly season on hourly data
would be slow and poorly estimated; ``linear_ar`` and ``auto`` cover multiple seasons).
Periods longer than ``MAX_STATE_PERIOD`` are removed by classical additive
decomposition first (if the seasonality test passes) and added back to the forecast.
Always uses ``initialization_method="heuristic"``: the default one takes minutes.
"""

from __future__ import annotations

import warnings

import numpy as np

from .base import ForecastResult, Periods, finish, usable_periods, validate
from .decompose import seasonal_component

#: Longer seasons are removed by classical decomposition before a non-seasonal fit
#: (one ETS state per phase makes e.g. a 288-step daily season at 5 minutes very slow).
MAX_STATE_PERIOD = 48
#: The fit uses only the most recent points (its time grows with the length; ETS
#: forgets old data anyway).
MAX_POINTS = 1000


def _fit(y: np.ndarray, period: int | None):
    """Fit an additive-error, damped-trend ETS model (seasonal if ``period``)."""
    import pandas as pd  # a Series avoids a statsmodels bug in get_prediction
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    model = ETSModel(
        pd.Series(y),
        error="add",
        trend="add",
        damped_trend=True,
        seasonal="add" if period else None,
        seasonal_periods=period,
        initialization_method="heuristic",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(disp=False, maxiter=200)


def _predict(y: np.ndarray, h: int, period: int | None, level: float) -> tuple:
    """Point forecast, interval bounds and AICc of an ETS fit on ``y``."""
    res = _fit(y[-MAX_POINTS:], period)
    n = min(len(y), MAX_POINTS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = res.get_prediction(n, n + h - 1).summary_frame(alpha=1.0 - level)
    aicc = float(res.aicc) if np.isfinite(res.aicc) else None
    return (
        frame["mean"].to_numpy(),
        frame["pi_lower"].to_numpy(),
        frame["pi_upper"].to_numpy(),
        aicc,
    )


def forecast(y: np.ndarray, h: int, m: Periods, level: float = 0.8) -> ForecastResult:
    """Damped-trend additive ETS forecast with its analytic prediction interval."""
    y = validate(y, h, level)
    periods = usable_periods(len(y), m, cycles=2.0)
    period = periods[0] if periods else None
    if period is None or period <= MAX_STATE_PERIOD:
        yhat, lower, upper, aicc = _predict(y, h, period, level)
        return finish(yhat, lower, upper, "ets", {"period": period, "aicc": aicc})
    hist, fut = seasonal_component(y, (period,), h, multiplicative=False)
    yhat, lower, upper, aicc = _predict(y - hist, h, None, level)
    info = {"period": period, "aicc": aicc, "seasonal": "classical decomposition"}
    return finish(yhat + fut, lower + fut, upper + fut, "ets", info)
