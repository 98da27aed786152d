"""The pure part of a forecast run: settings from the data, the forecast, its evidence."""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime

from forecasting.models import Forecast
from forecasting.spec import SEASONALITIES, ForecastSpec


def spec_from_data(*, spec: ForecastSpec, extent: tuple[int, int, int] | None) -> ForecastSpec:
    """``spec`` with a horizon and step left to the data (0) chosen from ``extent``
    ((oldest µs, newest µs, count) of the history): the step from the series' resolution
    and history length, the horizon a quarter of the history (at most a day)."""
    from forecasting.forecasters.prepare import choose_horizon, choose_step

    if spec.resolved:
        return spec
    if extent is None or extent[2] < 2:
        raise ValueError("no data in the history window: nothing to forecast from")
    first, last, count = extent
    span = (last - first) / 1e6
    resolution = span / (count - 1)
    horizon = spec.horizon_seconds or None
    step = spec.step_seconds or choose_step(resolution, span, horizon)
    horizon = horizon or choose_horizon(span, step)
    return dataclasses.replace(spec, horizon_seconds=horizon, step_seconds=step)


def forecast_compute(*, timestamps: list[datetime], values: list[float], spec: ForecastSpec):
    """The forecast of one history with ``spec`` (pure computation, no database), with a
    backtest of the model used and reliability that follows from it."""
    from forecasting.forecasters import fit_predict  # ~0.3 s import: not at Django start-up
    from forecasting.forecasters.evidence import assess, model_backtest

    if not timestamps:
        raise ValueError("no data in the history window: nothing to forecast from")
    seasonalities = SEASONALITIES[spec.seasonalities]
    result = fit_predict(
        timestamps,
        values,
        horizon=spec.horizon,
        step=spec.step,
        model=spec.model,
        level=spec.level,
        seasonalities=seasonalities,
    )
    if spec.model != "auto" and not result.info.get("backtest"):
        result.info.update(
            model_backtest(timestamps, values, spec.horizon, spec.step, spec.model, seasonalities)
        )
    result.reliable, result.reasons = assess(result.info, result.reliable, result.reasons)
    return result


def backtest_metrics(info: dict) -> dict:
    """sMAPE/MASE of the forecast (weighted over ``auto``'s members) plus the backtest table
    and how the interval was calibrated (``calibrate.Calibration.summary``)."""
    table, weights = info.get("backtest") or {}, info.get("weights") or {}
    out: dict = {"backtest": table, "weights": weights, "origins": info.get("origins", 0)}
    if "calibration" in info:
        out["calibration"] = info["calibration"]
    for metric in ("smape", "mase"):
        parts = [(w, (table.get(k) or {}).get(metric)) for k, w in weights.items()]
        if parts and all(v is not None and math.isfinite(v) for _, v in parts):
            out[metric] = round(sum(w * v for w, v in parts) / sum(w for w, _ in parts), 4)
    return out


def forecast_time_to_breach(
    *, forecast: Forecast, threshold: float, direction: str = ">", bound: str = "yhat"
) -> datetime | None:
    """When the forecast (or its ``upper``/``lower`` bound) first crosses ``threshold``."""
    from forecasting.forecasters import time_to_breach

    rows = forecast.point_rows()
    if not rows:
        return None
    times = [datetime.fromtimestamp(r[0], tz=UTC) for r in rows]
    return time_to_breach(
        times,
        [r[1] for r in rows],
        [r[2] for r in rows],
        [r[3] for r in rows],
        threshold,
        direction,
        bound,
    )
