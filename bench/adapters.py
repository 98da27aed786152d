"""Benchmark adapters (contract, see ARCHITECTURE.md).

``nab_detect`` and ``m4_forecast`` call the production detector and forecaster code
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
