"""Scheduled forecasting: claim due configs and fan out runs; prune old forecasts and
give up on runs a lost worker left behind."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from core.dispatch import enqueue
from forecasting import selectors
from forecasting.models import Forecast, ForecastConfig, ForecastPoint

#: A run still queued or running after this long was lost (a worker died or restarted).
STALE_AFTER = timedelta(hours=1)


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


def runs_expire_stale(*, now: datetime | None = None) -> int:
    """Mark runs queued or running for longer than ``STALE_AFTER`` as failed; returns how many."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    unfinished = (Forecast.Status.QUEUED, Forecast.Status.RUNNING)
    return Forecast.objects.filter(status__in=unfinished, created_at__lt=cutoff).update(
        status=Forecast.Status.ERROR,
        error=f"never finished: no worker took or completed it within {STALE_AFTER}",
    )
