"""Reads of the forecasting app: effective configs, history, stored forecasts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import numpy as np
from django.db.models import OuterRef, QuerySet, Subquery

from forecasting.models import US, Forecast, ForecastConfig
from forecasting.spec import ForecastSpec
from metrics.counters import counter_rate, is_counter
from metrics.models import Series
from metrics.selectors import points_query, raw_points


def _specificity(config: ForecastConfig) -> tuple:
    pattern = config.host_pattern or "*"
    wild = any(c in pattern for c in "*?[")
    return (config.series_id is None, wild, -len(pattern), config.pk)


def config_for_series(
    *, series: Series, configs: Iterable[ForecastConfig] | None = None
) -> ForecastConfig | None:
    """The config that applies to ``series`` (enabled or not), or None.

    A config naming the series wins; then the most specific matching selector.
    """
    pool = ForecastConfig.objects.all() if configs is None else configs
    matching = [
        c
        for c in pool
        if c.series_id == series.pk or (c.metric and c.matches(series.name, series.host))
    ]
    return min(matching, key=_specificity) if matching else None


def spec_for_series(*, series: Series) -> tuple[ForecastSpec, ForecastConfig | None]:
    config = config_for_series(series=series)
    return (config.spec() if config else ForecastSpec()), config


def series_for_config(*, config: ForecastConfig, configs: list[ForecastConfig]) -> list[Series]:
    """The series ``config`` is the effective config of."""
    if config.series_id:
        candidates = list(Series.objects.filter(pk=config.series_id))
    else:
        candidates = [
            s for s in Series.objects.filter(name=config.metric) if config.matches(s.name, s.host)
        ]
    return [s for s in candidates if config_for_series(series=s, configs=configs) == config]


def series_history(
    *, series: Series, spec: ForecastSpec, end_us: int
) -> tuple[list[datetime], list[float]]:
    """Mean per step over the history window ending at ``end_us`` (empty buckets left out);
    for a counter, the per-second rate at each raw point (``counter_history``)."""
    step_us = spec.step_seconds * US
    end_us = (end_us // step_us + 1) * step_us
    start_us = end_us - spec.history_seconds * US
    if history_signal(series) == "rate":
        return counter_history(series=series, start_us=start_us, end_us=end_us)
    rows = points_query(
        series=[series], start_us=start_us, end_us=end_us, step_us=step_us, agg="avg"
    )
    points = rows[0]["points"] if rows else []
    return [datetime.fromtimestamp(t, tz=UTC) for t, _ in points], [v for _, v in points]


def counter_history(
    *, series: Series, start_us: int, end_us: int
) -> tuple[list[datetime], list[float]]:
    """A counter's per-second rate at each of its raw points in ``[start_us, end_us)`` (from
    the point before it; a decrease is a restart), which the forecaster averages per step:
    resets and a partly filled last step do not bend the history."""
    ts, values = raw_points(series_ids=[series.pk], start_us=start_us, end_us=end_us - 1).get(
        series.pk, (np.zeros(0, np.int64), np.zeros(0))
    )
    rates = counter_rate(ts / US, values)
    ok = np.isfinite(rates)
    return [datetime.fromtimestamp(t / US, tz=UTC) for t in ts[ok]], rates[ok].tolist()


def history_signal(series: Series) -> str:
    """What a forecast of ``series`` forecasts: ``"rate"`` (per second) for a counter, whose
    total only grows and restarts from 0 (the same rate detection watches; a histogram's or
    summary's ``_bucket``/``_sum``/``_count`` series are counters too), else ``"value"``."""
    return "rate" if is_counter(series.type, series.name) else "value"


def latest_forecast(series: Series) -> Forecast | None:
    """The newest successful forecast of ``series``, its points prefetched, or None.

    Iterating the result yields ``(epoch seconds, yhat, lower, upper)`` tuples.
    """
    return (
        Forecast.objects.filter(series=series, status=Forecast.Status.OK)
        .order_by("-created_at", "-id")
        .prefetch_related("points")
        .first()
    )


def latest_run(*, series: Series) -> Forecast | None:
    """The newest forecast run of ``series``, successful or not."""
    return Forecast.objects.filter(series=series).order_by("-created_at", "-id").first()


def forecast_list() -> QuerySet[Forecast]:
    """The newest run per series (one row per series), newest first."""
    newest = Forecast.objects.filter(series=OuterRef("series")).order_by("-created_at", "-id")
    return (
        Forecast.objects.filter(pk=Subquery(newest.values("pk")[:1]))
        .select_related("series")
        .order_by("-created_at", "-id")
    )
