"""Writes of the forecasting app: run and store forecasts, schedule due ones, prune."""

from __future__ import annotations

import logging
import math
import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from core.dispatch import enqueue
from forecasting import selectors
from forecasting.live import publish_forecast
from forecasting.models import US, Forecast, ForecastConfig, ForecastPoint
from forecasting.spec import SEASONALITIES, ForecastSpec
from metrics.models import Series
from metrics.selectors import latest_ts

logger = logging.getLogger(__name__)


def forecast_compute(*, timestamps: list[datetime], values: list[float], spec: ForecastSpec):
    """The forecast of one history with ``spec`` (pure computation, no database)."""
    from forecasting.forecasters import fit_predict  # ~0.3 s import: not at Django start-up

    if not timestamps:
        raise ValueError("no data in the history window: nothing to forecast from")
    return fit_predict(
        timestamps,
        values,
        horizon=spec.horizon,
        step=spec.step,
        model=spec.model,
        level=spec.level,
        seasonalities=SEASONALITIES[spec.seasonalities],
    )


def backtest_metrics(info: dict) -> dict:
    """sMAPE/MASE of the forecast (weighted over ``auto``'s members) plus the backtest table."""
    table, weights = info.get("backtest") or {}, info.get("weights") or {}
    out: dict = {"backtest": table, "weights": weights, "origins": info.get("origins", 0)}
    for metric in ("smape", "mase"):
        parts = [(w, (table.get(k) or {}).get(metric)) for k, w in weights.items()]
        if parts and all(v is not None and math.isfinite(v) for _, v in parts):
            out[metric] = round(sum(w * v for w, v in parts) / sum(w for w, _ in parts), 4)
    return out


def _store_ok(*, series: Series, spec: ForecastSpec, config, result, started: float) -> Forecast:
    forecast = Forecast.objects.create(
        series=series,
        config=config,
        model=result.model,
        horizon_seconds=spec.horizon_seconds,
        step_seconds=spec.step_seconds,
        params={**spec.as_dict(), "periods": result.info.get("periods", [])},
        metrics=backtest_metrics(result.info),
        reliable=result.reliable,
        reasons=list(result.reasons),
        duration_ms=(time.perf_counter() - started) * 1000,
    )
    rows = zip(result.timestamps, result.yhat, result.lower, result.upper, strict=True)
    ForecastPoint.objects.bulk_create(
        [
            ForecastPoint(
                forecast=forecast, ts=int(t.timestamp() * US), yhat=y, yhat_lower=lo, yhat_upper=hi
            )
            for t, y, lo, hi in rows
        ],
        batch_size=1000,
    )
    return forecast


def forecast_run(
    *, series: Series, spec: ForecastSpec, config: ForecastConfig | None = None
) -> Forecast:
    """Forecast ``series`` now and store the result, or the error that stopped it."""
    started = time.perf_counter()
    try:
        spec.validated()
        now_us = int(timezone.now().timestamp() * US)
        ts, values = selectors.series_history(
            series=series, spec=spec, end_us=latest_ts(series_id=series.pk) or now_us
        )
        result = forecast_compute(timestamps=ts, values=values, spec=spec)
    except Exception as exc:  # one series' failure is recorded, never raised to the scheduler
        logger.warning("forecast of series %s failed: %s", series.pk, exc)
        return _store_error(series=series, spec=spec, config=config, error=exc, started=started)
    with transaction.atomic():
        forecast = _store_ok(
            series=series, spec=spec, config=config, result=result, started=started
        )
        publish_forecast(forecast)
    return forecast


def _store_error(*, series, spec, config, error: Exception, started: float) -> Forecast:
    return Forecast.objects.create(
        series=series,
        config=config,
        horizon_seconds=max(spec.horizon_seconds, 0),
        step_seconds=max(spec.step_seconds, 0),
        params=spec.as_dict(),
        status=Forecast.Status.ERROR,
        error=f"{type(error).__name__}: {error}"[:2000],
        reliable=False,
        duration_ms=(time.perf_counter() - started) * 1000,
    )


def forecast_request(*, series: Series, overrides: dict | None = None) -> ForecastSpec:
    """Queue a fresh forecast of ``series`` now (ValueError if the overrides are invalid)."""

    spec, config = selectors.spec_for_series(series=series)
    spec = spec.with_overrides(overrides or {}).validated()
    transaction.on_commit(
        lambda: enqueue(
            "forecasting.tasks.forecast_series",
            series.pk,
            config.pk if config else None,
            overrides or {},
        )
    )
    return spec


def configs_claim_due(*, now: datetime) -> list[ForecastConfig]:
    """Enabled configs whose run is due, each claimed by a conditional update (no duplicates)."""
    due = ForecastConfig.objects.filter(enabled=True).filter(
        Q(next_run_at__isnull=True) | Q(next_run_at__lte=now)
    )
    claimed = []
    for config in due:
        fresh = now + timedelta(seconds=config.interval_seconds)
        same = ForecastConfig.objects.filter(pk=config.pk, next_run_at=config.next_run_at)
        if config.next_run_at is None:
            same = ForecastConfig.objects.filter(pk=config.pk, next_run_at__isnull=True)
        if same.update(next_run_at=fresh) == 1:
            claimed.append(config)
    return claimed


def forecasts_schedule(*, now: datetime | None = None) -> int:
    """Claim the due configs and queue one forecast task per series; returns how many."""

    claimed = configs_claim_due(now=now or timezone.now())
    if not claimed:
        return 0
    configs = list(ForecastConfig.objects.all())
    queued = 0
    for config in claimed:
        for series in selectors.series_for_config(config=config, configs=configs):
            enqueue("forecasting.tasks.forecast_series", series.pk, config.pk, {})
            queued += 1
    return queued


def forecasts_prune(*, keep: int | None = None) -> int:
    """Keep the newest ``keep`` forecasts per series (HYDRA_FORECAST_KEEP); returns deleted."""
    keep = settings.HYDRA_FORECAST_KEEP if keep is None else keep
    crowded = Forecast.objects.values("series_id").annotate(n=Count("id")).filter(n__gt=keep)
    deleted = 0
    for row in crowded:
        ids = list(
            Forecast.objects.filter(series_id=row["series_id"])
            .order_by("-created_at", "-id")
            .values_list("id", flat=True)[keep:]
        )
        with transaction.atomic():
            ForecastPoint.objects.filter(forecast_id__in=ids).delete()
            Forecast.objects.filter(id__in=ids).delete()
        deleted += len(ids)
    return deleted


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
