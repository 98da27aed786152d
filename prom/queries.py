"""PromQL over Hydra's data: the engine with the settings' limits (the API, explore, panels
and alert rules all run queries through here)."""

from __future__ import annotations

from django.conf import settings

from prom.promql import Engine, EngineOptions, QueryResult
from prom.storage import HydraStorage


def engine(*, timeout_s: float | None = None) -> Engine:
    """An engine over the database; ``timeout_s`` may only shorten the configured deadline."""
    limit = settings.HYDRA_PROMQL_TIMEOUT.total_seconds()
    max_series = settings.HYDRA_PROMQL_MAX_SERIES_PER_SELECTOR
    options = EngineOptions(
        lookback_ms=int(settings.HYDRA_PROMQL_LOOKBACK.total_seconds() * 1000),
        max_samples=settings.HYDRA_PROMQL_MAX_SAMPLES,
        max_series_per_selector=max_series,
        timeout_s=min(limit, timeout_s) if timeout_s and timeout_s > 0 else limit,
    )
    return Engine(HydraStorage(max_series), options)


def promql_instant(*, query: str, time_ms: int, timeout_s: float | None = None) -> QueryResult:
    return engine(timeout_s=timeout_s).instant_query(query, time_ms)


def promql_range(
    *, query: str, start_ms: int, end_ms: int, step_ms: int, timeout_s: float | None = None
) -> QueryResult:
    return engine(timeout_s=timeout_s).range_query(query, start_ms, end_ms, step_ms)
