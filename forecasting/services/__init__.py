"""Writes of the forecasting app: run and store forecasts, schedule due ones, prune."""

from forecasting.services.compute import (
    backtest_metrics,
    forecast_compute,
    forecast_time_to_breach,
    spec_from_data,
)
from forecasting.services.runs import error_text, forecast_request, forecast_run, run_create
from forecasting.services.schedule import (
    configs_claim_due,
    forecasts_prune,
    forecasts_schedule,
    runs_expire_stale,
)

__all__ = [
    "backtest_metrics",
    "configs_claim_due",
    "error_text",
    "forecast_compute",
    "forecast_request",
    "forecast_run",
    "forecast_time_to_breach",
    "forecasts_prune",
    "forecasts_schedule",
    "run_create",
    "runs_expire_stale",
    "spec_from_data",
]
