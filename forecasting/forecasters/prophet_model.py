"""Prophet with one Fourier seasonality per period of ``m``.

Prophet is imported lazily (the import alone costs 1-2.5 s). The array has no real
timestamps, so it is laid on a synthetic calendar where one step is one "day"; each
period ``p`` of ``m`` then becomes a custom seasonality of ``p`` days, and Prophet's
built-in yearly/weekly/daily terms are switched off. ``uncertainty_samples`` is kept
low because ``predict()`` time grows with it.
"""

from __future__ import annotations

import logging

import numpy as np

from .base import ForecastResult, Periods, finish, usable_periods, validate

UNCERTAINTY_SAMPLES = 200
MAX_FOURIER_ORDER = 10


def _quiet() -> None:
    """Silence Prophet's and cmdstanpy's chatter."""
    for name in ("prophet", "cmdstanpy"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.ERROR)
        logger.propagate = False
    logging.getLogger("cmdstanpy").disabled = True


def _model(periods: tuple[int, ...], level: float):
    """A Prophet instance with custom seasonalities for ``periods``."""
    _quiet()
    from prophet import Prophet

    model = Prophet(
        yearly_seasonality=False,
        weekly_seasonality=False,
        daily_seasonality=False,
        interval_width=level,
        uncertainty_samples=UNCERTAINTY_SAMPLES,
    )
    for p in periods:
        order = max(1, min(MAX_FOURIER_ORDER, p // 2))
        model.add_seasonality(name=f"period_{p}", period=float(p), fourier_order=order)
    return model


def forecast(y: np.ndarray, h: int, m: Periods, level: float = 0.8) -> ForecastResult:
    """Prophet forecast with its own (sampled) uncertainty interval."""
    import pandas as pd

    y = validate(y, h, level)
    periods = usable_periods(len(y), m, cycles=2.0)
    ds = pd.date_range("2000-01-01", periods=len(y) + h, freq="D")
    model = _model(periods, level)
    model.fit(pd.DataFrame({"ds": ds[: len(y)], "y": y}))
    out = model.predict(pd.DataFrame({"ds": ds[len(y) :]}))
    info = {"periods": list(periods)}
    return finish(out["yhat"], out["yhat_lower"], out["yhat_upper"], "prophet", info)
