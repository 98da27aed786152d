"""Shapes of the live messages the forecasting app publishes (sent through ``core.live``)."""

from __future__ import annotations

from typing import TypedDict


class ForecastPayload(TypedDict):
    """A newly stored forecast of one series (``series:<id>`` topic)."""

    type: str  # "forecast"
    series: int
    forecast: int
    model: str
    created_at: str
    reliable: bool
    levels: list[float]  # the bands' levels: the run's (0.8 by default), then 0.95
    points: list[list[float]]  # [[epoch seconds, yhat, yhat_lower, yhat_upper], ...]
    band_95: list[list[float]]  # [[epoch seconds, lower, upper], ...] (calibrated 95 % band)


class ForecastEnvelope(TypedDict):
    type: str  # the consumer handler: "forecast.ready"
    payload: ForecastPayload


class ForecastRunPayload(TypedDict):
    """A forecast run changed state (``series:<id>`` topic)."""

    type: str  # "forecast_run"
    series: int
    run: int
    status: str  # queued, running, ok, error
    message: str  # what the page shows, e.g. "failed: history too short: 7 point(s)"
    reliable: bool
    reasons: list[str]


class ForecastRunEnvelope(TypedDict):
    type: str  # the consumer handler: "forecast.run"
    payload: ForecastRunPayload
