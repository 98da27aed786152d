"""Evidence for a forecast: a backtest of the model actually used, and whether it is
reliable. ``auto`` backtests its candidates itself; a chosen model (``ets``, ``prophet``,
...) gets the same rolling-origin backtest here, so every forecast shows how its model did
on the series' own recent past, and one without any backtest is never called reliable."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from .auto import ORIGINS, _json_bt, _origins, backtest
from .prepare import prepare_series
from .timed import DAY, _steps_in, choose_periods

#: A backtest error (MASE) above this is evidence against the forecast: its errors were
#: many times the series' own step-to-step changes.
MASE_LIMIT = 5.0


def model_backtest(
    timestamps: Sequence[datetime],
    values: Sequence[float],
    horizon: timedelta,
    step: timedelta,
    model: str,
    seasonalities: str | Sequence[str] = "auto",
) -> dict:
    """``{"backtest", "weights", "origins"}`` of ``model`` alone, as ``auto`` reports them
    (``origins`` 0 when the history is too short to test ``horizon``)."""
    h = math.ceil(horizon / step)
    prep = prepare_series(timestamps, values, step, season=_steps_in(DAY, step))
    periods = choose_periods(prep.values, step, seasonalities)
    cuts = _origins(len(prep.values), h, periods, ORIGINS)
    if not cuts:
        return {"origins": 0}
    table = backtest(prep.values, h, periods, (model,), cuts)
    return {
        "backtest": _json_bt(table, {model: 1.0}),
        "weights": {model: 1.0},
        "origins": len(cuts),
    }


def assess(info: dict, reliable: bool, reasons: Sequence[str]) -> tuple[bool, list[str]]:
    """Reliable only when data preparation found nothing wrong *and* the model used was
    backtested with a finite error; the reasons say what is missing."""
    out = list(reasons)
    table, weights = info.get("backtest") or {}, info.get("weights") or {}
    if not info.get("origins") or not table:
        out.append(
            "no backtest: the history is too short to test this horizon on past data "
            "(a longer history or a shorter horizon gives one)"
        )
    elif not any((table.get(k) or {}).get("smape") is not None for k in weights):
        out.append("the chosen model failed its backtest")
    elif (mase := _weighted(table, weights, "mase")) is not None and mase > MASE_LIMIT:
        out.append(
            f"large backtest error: MASE {mase:.1f} (its errors were {mase:.0f}× the "
            "series' typical change from one step to the next)"
        )
    return reliable and len(out) == len(reasons), out


def _weighted(table: dict, weights: dict, metric: str) -> float | None:
    parts = [(w, (table.get(k) or {}).get(metric)) for k, w in weights.items()]
    if not parts or any(v is None or not math.isfinite(v) for _, v in parts):
        return None
    return sum(w * v for w, v in parts) / sum(w for w, _ in parts)
