"""Exponential smoothing (statsmodels ``ETSModel``): additive errors, damped trend.

The seasonal component uses the shortest period of ``m`` with at least two full seasons
of history (ETS holds one seasonal state per phase, so a weekly season on hourly data
would be slow and poorly estimated; ``linear_ar`` and ``auto`` cover multiple seasons).
Always uses ``initialization_method="heuristic"``: the default one takes minutes.
"""

from __future__ import annotations

import warnings

import numpy as np

from .base import ForecastResult, Periods, finish, usable_periods, validate


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


def forecast(y: np.ndarray, h: int, m: Periods, level: float = 0.8) -> ForecastResult:
    """Damped-trend additive ETS forecast with its analytic prediction interval."""
    y = validate(y, h, level)
    periods = usable_periods(len(y), m, cycles=2.0)
    period = periods[0] if periods else None
    res = _fit(y, period)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = res.get_prediction(len(y), len(y) + h - 1).summary_frame(alpha=1.0 - level)
    info = {"period": period, "aicc": float(res.aicc) if np.isfinite(res.aicc) else None}
    return finish(frame["mean"], frame["pi_lower"], frame["pi_upper"], "ets", info)
