"""Live updates of forecast runs and newly stored forecasts (through the one publish helper)."""

from __future__ import annotations

from core.live import publish
from forecasting.models import Forecast
from forecasting.payloads import (
    ForecastEnvelope,
    ForecastPayload,
    ForecastRunEnvelope,
    ForecastRunPayload,
)


def forecast_payload(forecast: Forecast, points: list[list[float]]) -> ForecastPayload:
    return {
        "type": "forecast",
        "series": forecast.series_id,
        "forecast": forecast.pk,
        "model": forecast.model,
        "created_at": forecast.created_at.isoformat(),
        "reliable": forecast.reliable,
        "levels": forecast.levels,
        "points": points,
        "band_95": forecast.outer_rows(),
    }


def publish_forecast(forecast: Forecast) -> None:
    """Send the forecast to ``series:<id>`` subscribers after the transaction commits."""
    points = [list(row) for row in forecast.point_rows()]
    envelope: ForecastEnvelope = {
        "type": "forecast.ready",
        "payload": forecast_payload(forecast, points),
    }
    publish([(f"series:{forecast.series_id}", envelope)])


def run_payload(run: Forecast) -> ForecastRunPayload:
    return {
        "type": "forecast_run",
        "series": run.series_id,
        "run": run.pk,
        "status": run.status,
        "message": run.message,
        "reliable": run.reliable,
        "reasons": list(run.reasons),
    }


def publish_run(run: Forecast) -> None:
    """Tell ``series:<id>`` subscribers that a run was queued, started, finished or failed."""
    envelope: ForecastRunEnvelope = {"type": "forecast.run", "payload": run_payload(run)}
    publish([(f"series:{run.series_id}", envelope)])
