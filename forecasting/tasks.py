"""Celery tasks of the forecasting app (``forecasting`` queue): thin wrappers over services."""

from __future__ import annotations

from celery import shared_task

from forecasting import selectors, services
from forecasting.models import Forecast, ForecastConfig
from metrics.models import Series


@shared_task(name="forecasting.tasks.run_due_forecasts", ignore_result=True)
def run_due_forecasts() -> int:
    """Claim the due forecast configs and fan out one task per series."""
    return services.forecasts_schedule()


@shared_task(name="forecasting.tasks.forecast_series", ignore_result=True)
def forecast_series(
    series_id: int,
    config_id: int | None = None,
    overrides: dict | None = None,
    run_id: int | None = None,
):
    """Forecast one series with its config (plus ``overrides``), on the queued run
    ``run_id`` when given; errors are stored on the run, not raised."""
    series = Series.objects.filter(pk=series_id).first()
    if series is None:
        return None
    config = ForecastConfig.objects.filter(pk=config_id).first() if config_id else None
    run = Forecast.objects.filter(pk=run_id).first() if run_id else None
    if run_id and run is None:
        return None  # pruned while queued
    spec = config.spec() if config else selectors.spec_for_series(series=series)[0]
    forecast = services.forecast_run(
        series=series, spec=spec.with_overrides(overrides or {}), config=config, run=run
    )
    return forecast.pk if forecast else None


@shared_task(name="forecasting.tasks.prune_forecasts", ignore_result=True)
def prune_forecasts() -> int:
    """Delete forecasts beyond the newest HYDRA_FORECAST_KEEP per series, and mark runs a
    lost worker left queued or running as failed."""
    services.runs_expire_stale()
    return services.forecasts_prune()
