"""Live update for a newly stored forecast (through the one publish helper)."""

from __future__ import annotations

from core.live import publish
from forecasting.models import Forecast
from forecasting.payloads import ForecastEnvelope, ForecastPayload


def forecast_payload(forecast: Forecast, points: list[list[float]]) -> ForecastPayload:
    return {
        "type": "forecast",
        "series": forecast.series_id,
        "forecast": forecast.pk,
        "model": forecast.model,
        "created_at": forecast.created_at.isoformat(),
        "reliable": forecast.reliable,
        "points": points,
    }


def publish_forecast(forecast: Forecast) -> None:
    """Send the forecast to ``series:<id>`` subscribers after the transaction commits."""
    points = [list(row) for row in forecast.point_rows()]
    envelope: ForecastEnvelope = {
        "type": "forecast.ready",
        "payload": forecast_payload(forecast, points),
    }
    publish([(f"series:{forecast.series_id}", envelope)])
