"""Forecast runs: queue one, run it, store its curve or the reason it failed, and tell the
pages (``series:<id>`` topic) as the run goes: queued, running, ok or error."""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.utils import timezone

from core.dispatch import enqueue
from forecasting import selectors
from forecasting.live import publish_forecast, publish_run
from forecasting.models import OUTER_LEVEL, US, Forecast, ForecastConfig, ForecastPoint
from forecasting.services.compute import backtest_metrics, forecast_compute, spec_from_data
from forecasting.spec import ForecastSpec
from metrics.models import Series
from metrics.selectors import latest_ts, points_extent

logger = logging.getLogger(__name__)
Status = Forecast.Status


def run_create(
    *, series: Series, spec: ForecastSpec, config: ForecastConfig | None, status: str
) -> Forecast:
    """A run's row before it has a result; pages hear of it after the commit."""
    run = Forecast.objects.create(
        series=series,
        config=config,
        horizon_seconds=max(spec.horizon_seconds, 0),
        step_seconds=max(spec.step_seconds, 0),
        params=spec.as_dict(),
        status=status,
        reliable=False,
    )
    publish_run(run)
    return run


def forecast_request(
    *, series: Series, overrides: dict | None = None
) -> tuple[ForecastSpec, Forecast]:
    """Queue a fresh forecast of ``series`` now (ValueError if the overrides are invalid);
    returns its settings and its queued run."""
    spec, config = selectors.spec_for_series(series=series)
    spec = spec.with_overrides(overrides or {}).validated()
    run = run_create(series=series, spec=spec, config=config, status=Status.QUEUED)
    transaction.on_commit(
        lambda: enqueue(
            "forecasting.tasks.forecast_series",
            series.pk,
            config.pk if config else None,
            overrides or {},
            run.pk,
        )
    )
    return spec, run


def _start(*, series: Series, spec: ForecastSpec, config, run: Forecast | None) -> Forecast | None:
    """The run, now marked running (created when none was queued); None when another
    worker took it or it is gone."""
    if run is None:
        return run_create(series=series, spec=spec, config=config, status=Status.RUNNING)
    claimed = Forecast.objects.filter(pk=run.pk, status=Status.QUEUED).update(status=Status.RUNNING)
    if not claimed:
        return None
    run.status = Status.RUNNING
    publish_run(run)
    return run


def _compute(*, series: Series, spec: ForecastSpec):
    """(resolved settings, result) of forecasting ``series``'s stored history."""
    spec.validated()
    end_us = latest_ts(series_id=series.pk) or int(timezone.now().timestamp() * US)
    extent = points_extent(
        series_id=series.pk, start_us=end_us - spec.history_seconds * US, end_us=end_us + 1
    )
    spec = spec_from_data(spec=spec, extent=extent).validated()
    ts, values = selectors.series_history(series=series, spec=spec, end_us=end_us)
    return spec, forecast_compute(timestamps=ts, values=values, spec=spec)


def forecast_run(
    *,
    series: Series,
    spec: ForecastSpec,
    config: ForecastConfig | None = None,
    run: Forecast | None = None,
) -> Forecast | None:
    """Forecast ``series`` now and store the result, or the error that stopped it, on
    ``run`` (a queued run) or a new run. None when the queued run was taken or deleted."""
    started = time.perf_counter()
    run = _start(series=series, spec=spec, config=config, run=run)
    if run is None:
        return None
    try:
        spec, result = _compute(series=series, spec=spec)
    except Exception as exc:  # one series' failure is recorded, never raised to the scheduler
        logger.warning("forecast of series %s failed: %s", series.pk, exc)
        return _finish_error(run=run, error=exc, started=started)
    with transaction.atomic():
        _finish_ok(run=run, spec=spec, result=result, started=started)
        publish_forecast(run)
        publish_run(run)
    return run


def _finish_ok(*, run: Forecast, spec: ForecastSpec, result, started: float) -> None:
    run.status = Status.OK
    run.model = result.model
    run.horizon_seconds, run.step_seconds = spec.horizon_seconds, spec.step_seconds
    run.params = {
        **spec.as_dict(),
        "periods": result.info.get("periods", []),
        "signal": selectors.history_signal(run.series),
    }
    run.metrics = backtest_metrics(result.info)
    run.reliable, run.reasons = result.reliable, list(result.reasons)
    run.duration_ms = (time.perf_counter() - started) * 1000
    run.save()
    outer = result.bands.get(OUTER_LEVEL) or ([None] * len(result.yhat),) * 2
    rows = zip(result.timestamps, result.yhat, result.lower, result.upper, *outer, strict=True)
    ForecastPoint.objects.bulk_create(
        [
            ForecastPoint(
                forecast=run,
                ts=int(t.timestamp() * US),
                yhat=y,
                yhat_lower=lo,
                yhat_upper=hi,
                yhat_lower_95=None if lo95 is None else float(lo95),
                yhat_upper_95=None if hi95 is None else float(hi95),
            )
            for t, y, lo, hi, lo95, hi95 in rows
        ],
        batch_size=1000,
    )


def error_text(error: Exception) -> str:
    """What a user reads: the message of a ValueError (bad data or settings), else the type."""
    text = str(error) if isinstance(error, ValueError) else f"{type(error).__name__}: {error}"
    return text[:2000]


def _finish_error(*, run: Forecast, error: Exception, started: float) -> Forecast:
    run.status = Status.ERROR
    run.error = error_text(error)
    run.reliable = False
    run.duration_ms = (time.perf_counter() - started) * 1000
    run.save(update_fields=["status", "error", "reliable", "duration_ms"])
    publish_run(run)
    return run
