"""Celery tasks of the forecasting app (``forecasting`` queue): thin wrappers over services."""

from __future__ import annotations

from celery import shared_task

from forecasting import selectors, services
from forecasting.models import ForecastConfig
from metrics.models import Series


@shared_task(name="forecasting.tasks.run_due_forecasts", ignore_result=True)
def run_due_forecasts() -> int:
    """Claim the due forecast configs and fan out one task per series."""
    return services.forecasts_schedule()


@shared_task(name="forecasting.tasks.forecast_series", ignore_result=True)
def forecast_series(series_id: int, config_id: int | None = None, overrides: dict | None = None):
    """Forecast one series with its config (plus ``overrides``); errors are stored, not raised."""
    series = Series.objects.filter(pk=series_id).first()
    if series is None:
        return None
    config = ForecastConfig.objects.filter(pk=config_id).first() if config_id else None
    spec = config.spec() if config else selectors.spec_for_series(series=series)[0]
    forecast = services.forecast_run(
        series=series, spec=spec.with_overrides(overrides or {}), config=config
    )
    return forecast.pk


@shared_task(name="forecasting.tasks.prune_forecasts", ignore_result=True)
def prune_forecasts() -> int:
    """Delete forecasts beyond the newest HYDRA_FORECAST_KEEP per series."""
    return services.forecasts_prune()
