"""Forecasting throughput: N series of 14 days at 5-minute resolution, 24 h ahead.

Usage (from the repository root)::

    .venv/bin/python bench/forecasting.py [--series 1000] [--workers 2] [--step 3600]
        [--model auto] [--json out.json]

Method: a ``concurrent.futures.ProcessPoolExecutor(--workers)`` (the stand-in for the
Celery worker pool: one process per core) forecasts every series with
``forecasting.services.forecast_compute``, the same code the ``forecast_series`` task
calls between reading the history and storing the result. The database read and write
are not included (per series they are one bucketed query and one bulk insert of
24-288 rows). Each series is synthetic (daily + weekly cycles, trend, noise, a random
level and scale; seeded by its index), made inside the worker before the clock starts.
``--step`` is the forecast's resampling step: 3600 (what a config that leaves the step to
the data picks for 14 days of 5-minute data: hourly, 24 steps ahead) or 300 (the raw resolution, 288 steps ahead).
Prints the total wall time, per-series p50/p95/max, the failures and how Prophet fared in
``auto`` (won a place in the blend, tried in the backtest, or skipped by the time budget;
``--budget`` sets that budget, ``inf`` lets Prophet compete on every series).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIVE_MIN = 300
DAYS = 14


def _setup(budget: float | None = None) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hydra.settings")
    import django

    django.setup()
    import forecasting.forecasters  # noqa: F401  (import cost paid once per worker)
    from forecasting.forecasters import budget as timing

    if budget is not None:
        timing.BUDGET_SECONDS = budget


def synthetic(index: int) -> tuple[list[datetime], list[float]]:
    import numpy as np

    rng = np.random.default_rng(index)
    n = DAYS * 86400 // FIVE_MIN
    t = np.arange(n)
    day, week = 86400 / FIVE_MIN, 7 * 86400 / FIVE_MIN
    level, scale = rng.uniform(10, 500), rng.uniform(0.05, 0.3)
    y = level * (
        1
        + scale * np.sin(2 * np.pi * t / day + rng.uniform(0, 6))
        + 0.3 * scale * np.sin(2 * np.pi * t / week)
        + rng.uniform(-0.1, 0.1) * t / n
        + rng.normal(0, scale / 3, n)
    )
    end = datetime(2026, 11, 1, tzinfo=UTC)
    times = [end - timedelta(seconds=FIVE_MIN * (n - 1 - int(i))) for i in t]
    return times, y.tolist()


def forecast_one(args: tuple[int, int, str]) -> tuple[int, float, str, str]:
    """(index, seconds, error or "", how Prophet fared: "won", "tried", "skipped")."""
    from forecasting.services import forecast_compute
    from forecasting.spec import ForecastSpec

    index, step, model = args
    times, values = synthetic(index)
    spec = ForecastSpec(
        horizon_seconds=86400, step_seconds=step, history_seconds=DAYS * 86400, model=model
    )
    started = time.perf_counter()
    try:
        result = forecast_compute(timestamps=times, values=values, spec=spec.validated())
        assert len(result.yhat) == 86400 // step
        error = ""
        prophet = (
            "won"
            if "prophet" in result.info.get("weights", {})
            else "tried"
            if "prophet" in result.info.get("backtest", {})
            else "skipped"
        )
    except Exception as exc:
        error, prophet = f"{type(exc).__name__}: {exc}", ""
    return index, time.perf_counter() - started, error, prophet


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--step", type=int, default=3600, help="forecast step in seconds")
    parser.add_argument("--model", default="auto")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--budget", type=float, help="auto's per-series time budget in s (default 1.2; inf: always)"
    )
    args = parser.parse_args()
    jobs = [(i, args.step, args.model) for i in range(args.series)]
    with ProcessPoolExecutor(args.workers, initializer=_setup, initargs=(args.budget,)) as pool:
        list(pool.map(forecast_one, jobs[: args.workers]))  # warm up: imports, first fits
        started = time.perf_counter()
        results = list(pool.map(forecast_one, jobs, chunksize=4))
        total = time.perf_counter() - started
    times = [r[1] for r in results]
    failures = [r for r in results if r[2]]
    report = {
        "series": args.series, "workers": args.workers, "step_seconds": args.step,
        "model": args.model, "total_seconds": round(total, 1),
        "p50_seconds": round(statistics.median(times), 3),
        "p95_seconds": round(percentile(times, 0.95), 3), "max_seconds": round(max(times), 3),
        "failures": len(failures), "budget_seconds": args.budget,
        "prophet": {k: sum(r[3] == k for r in results) for k in ("won", "tried", "skipped")},
    }  # fmt: skip
    print(json.dumps(report, indent=2))
    for index, _, error, _ in failures[:10]:
        print(f"series {index}: {error}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
