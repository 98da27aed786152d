"""Hydra's forecasting models (pure Python: numpy/scipy/statsmodels/prophet, no Django).

Array level: ``forecast_values(y, h, m, model="auto", level=0.8) -> ForecastResult``.
Time aware: ``fit_predict(timestamps, values, horizon, step, ...) -> TimedForecast``
(data preparation, seasonal periods from the step, reliability flags).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import auto, ets, linear_ar, prophet_model, seasonal_naive, theta
from .base import ForecastResult, Periods
from .breach import time_to_breach
from .timed import TimedForecast, fit_predict

MODELS: dict[str, Callable[..., ForecastResult]] = {
    "prophet": prophet_model.forecast,
    "ets": ets.forecast,
    "theta": theta.forecast,
    "seasonal_naive": seasonal_naive.forecast,
    "linear_ar": linear_ar.forecast,
    "auto": auto.forecast,
}


def get_model(name: str) -> Callable[..., ForecastResult]:
    """The forecast function registered as ``name`` (ValueError if unknown)."""
    try:
        return MODELS[name]
    except KeyError:
        raise ValueError(f"unknown model {name!r}; choose from {sorted(MODELS)}") from None


def forecast_values(
    y: np.ndarray, h: int, m: Periods, model: str = "auto", level: float = 0.8
) -> ForecastResult:
    """Forecast ``h`` steps of the regular series ``y`` with seasonal period(s) ``m``.

    ``auto`` and every named model are backtested on the series' recent past, and their
    intervals (and ``bands``, 80 % and 95 %) are calibrated on those backtest errors
    (``calibrate``); ``MODELS`` holds the raw models with their own intervals."""
    get_model(model)
    if model == "auto":
        return auto.forecast(np.asarray(y, dtype=float), h, m, level)
    return auto.single(model, np.asarray(y, dtype=float), h, m, level)


__all__ = [
    "MODELS",
    "ForecastResult",
    "TimedForecast",
    "fit_predict",
    "forecast_values",
    "get_model",
    "time_to_breach",
]
