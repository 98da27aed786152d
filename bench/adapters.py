"""Benchmark adapters (contract, see ARCHITECTURE.md).

``nab_detect``, ``m4_forecast`` and ``m4_interval`` call the production detector and forecaster code
(``alerts.detectors`` and ``forecasting.forecasters``), which is pure Python and imports
without Django. Use either form from the repository root::

    PYTHONPATH=. python ../shared/bench/nab_run.py --source ../shared/data/nab-dev \
        --split dev --detector bench.adapters:nab_detect --check-causal
    python ../shared/bench/nab_run.py ... --detector bench/adapters.py:nab_detect
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)


def nab_detect(timestamps, values) -> list[float]:
    """Score a series with Hydra's default detector: one score in [0, 1] per point."""
    from alerts.detectors import score_series

    return [float(s) for s in score_series(timestamps, values)]


def m4_forecast(y, h: int, m: int) -> list[float]:
    """Forecast ``h`` steps of ``y`` (season ``m``) with the production ``auto`` model."""
    from forecasting.forecasters import forecast_values

    return [float(v) for v in forecast_values(y, h, m, model="auto").yhat]


def m4_interval(y, h: int, m: int) -> tuple[list[float], list[float]]:
    """95 % interval of ``h`` steps of ``y`` (season ``m``) from the production ``auto`` model:
    the band the forecast page shades and forecast-breach alerts read."""
    from forecasting.forecasters import forecast_values

    res = forecast_values(y, h, m, model="auto", level=0.95)
    return [float(v) for v in res.lower], [float(v) for v in res.upper]


def promql_query(series, query: str, *, time=None, start=None, end=None, step=None) -> dict:
    """Run ``query`` with the production PromQL engine over in-memory series.

    ``series``: ``[(labels, [(timestamp_ms, value | "stale"), ...]), ...]``; ``time`` /
    ``start`` / ``end`` / ``step`` in seconds. Returns the ``data`` object of Prometheus's
    HTTP API; raises on a failed query. Uses Prometheus's test settings (5 m lookback, 1 m
    default subquery step). Contract: ``../shared/bench/promql_conformance.py``.
    """
    from prom.promql import Engine, EngineOptions

    engine = Engine(_memory_storage(series), EngineOptions(lookback_ms=300_000))
    if time is not None:
        return engine.instant_query(query, round(time * 1000)).data()
    return engine.range_query(
        query, round(start * 1000), round(end * 1000), round(step * 1000)
    ).data()


_STORAGE_CACHE: list = []  # [(series object, storage)]: the suite reuses one list per load


def _memory_storage(series):
    from prom.promql import MemoryStorage

    if _STORAGE_CACHE and _STORAGE_CACHE[0][0] is series:
        return _STORAGE_CACHE[0][1]
    storage = MemoryStorage.from_samples(series)
    _STORAGE_CACHE[:] = [(series, storage)]
    return storage
