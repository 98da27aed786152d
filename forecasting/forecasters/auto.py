"""``auto``: pick and combine models per series by a rolling-origin backtest.

1. Periods: a single period ``m`` is extended with ``7 * m`` (a week, when ``m`` is a
   day) if the history holds three such cycles and the lag-``7m`` seasonality test
   passes on the series or on it with its ``m``-profile removed.
2. Backtest: every candidate forecasts the last ``ORIGINS`` windows of length ``h``
   (origins ``n - h``, ``n - 2h``, ...) from the history before each window; sMAPE and
   MASE (scale = lag-``m`` seasonal differences) are averaged over the windows.
3. Score: ``0.5 * (sMAPE / best sMAPE + MASE / best MASE)`` (1 = best on both).
4. Combine: the ``TOP`` best candidates, weighted by ``1 / score**2``; the point
   forecasts and the interval bounds are averaged with those weights.
5. Slow candidates (Prophet) join the backtest only within the time budget
   (``budget``); a skipped one is named in ``info["reasons"]``.
6. Intervals: calibrated on the blend's backtest errors (``calibrate``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from . import budget as timing
from . import calibrate, ets, linear_ar, prophet_model, seasonal_naive, theta
from .base import ForecastResult, Periods, as_periods, finish, mase, smape, validate
from .calibrate import BANDS, BASE_LEVEL
from .decompose import is_seasonal_beyond

Model = Callable[..., ForecastResult]

CANDIDATES = ("linear_ar", "ets", "theta", "seasonal_naive")
#: Candidates that compete only within the time budget (``budget``).
SLOW_CANDIDATES = ("prophet",)
ORIGINS = 3
TOP = 2
WEEK = 7
#: Shortest training window a backtest origin may leave.
MIN_TRAIN_SEASONS = 3
#: Keeps the relative scores finite when a candidate is perfect on the backtest.
EPS = 1e-6

_FUNCS: dict[str, Model] = {
    "linear_ar": linear_ar.forecast,
    "ets": ets.forecast,
    "theta": theta.forecast,
    "seasonal_naive": seasonal_naive.forecast,
    "prophet": prophet_model.forecast,
}


def expand_periods(y: np.ndarray, m: Periods) -> tuple[int, ...]:
    """Add a weekly period ``7 * m`` to a single period ``m`` when the data supports it."""
    periods = as_periods(m)
    if len(periods) != 1:
        return periods
    week = WEEK * periods[0]
    if len(y) >= MIN_TRAIN_SEASONS * week and is_seasonal_beyond(y, periods[0], week):
        return (periods[0], week)
    return periods


def _origins(n: int, h: int, periods: tuple[int, ...], wanted: int) -> list[int]:
    """Cut points ``n - k*h`` that leave enough history to train on."""
    need = max(30, MIN_TRAIN_SEASONS * (periods[0] if periods else 1))
    return [n - k * h for k in range(1, wanted + 1) if n - k * h >= need]


def _try(name: str, y: np.ndarray, h: int, periods: tuple[int, ...], level: float):
    """Run one candidate; ``None`` if it fails."""
    try:
        return timing.timed(name, len(y), lambda: _FUNCS[name](y, h, periods or 1, level))
    except (ValueError, ArithmeticError, np.linalg.LinAlgError, RuntimeError):
        return None


def backtest_runs(
    y: np.ndarray, h: int, periods: tuple[int, ...], candidates: tuple[str, ...], cuts: list[int]
) -> dict[str, list[ForecastResult | None]]:
    """Each candidate's forecast (at ``BASE_LEVEL``) from every cut; None where it failed."""
    return {
        name: [_try(name, y[:cut], h, periods, BASE_LEVEL) for cut in cuts] for name in candidates
    }


def score_runs(
    y: np.ndarray,
    h: int,
    periods: tuple[int, ...],
    runs: dict[str, list[ForecastResult | None]],
    cuts: list[int],
) -> dict[str, dict[str, float]]:
    """Mean sMAPE and MASE of each candidate over the backtest windows (inf if it failed)."""
    scale_m = periods[0] if periods else 1
    out: dict[str, dict[str, float]] = {}
    for name, results in runs.items():
        s, q = [], []
        for cut, res in zip(cuts, results, strict=True):
            actual = y[cut : cut + h]
            s.append(smape(actual, res.yhat[: len(actual)]) if res else math.inf)
            q.append(mase(actual, res.yhat[: len(actual)], y[:cut], scale_m) if res else math.inf)
        out[name] = {"smape": float(np.mean(s)), "mase": float(np.mean(q))}
    return out


def backtest(
    y: np.ndarray, h: int, periods: tuple[int, ...], candidates: tuple[str, ...], cuts: list[int]
) -> dict[str, dict[str, float]]:
    """Mean sMAPE and MASE of each candidate over the backtest windows (inf if it failed)."""
    return score_runs(y, h, periods, backtest_runs(y, h, periods, candidates, cuts), cuts)


def relative_scores(bt: dict[str, dict[str, float]]) -> dict[str, float]:
    """OWA-like score per candidate relative to the best one on each metric."""
    best_s = min(v["smape"] for v in bt.values()) + EPS
    best_q = min(v["mase"] for v in bt.values()) + EPS
    return {
        k: 0.5 * ((v["smape"] + EPS) / best_s + (v["mase"] + EPS) / best_q) for k, v in bt.items()
    }


def choose_weights(scores: dict[str, float], top: int = TOP) -> dict[str, float]:
    """Inverse squared-score weights of the ``top`` best finite candidates."""
    ranked = [k for k in sorted(scores, key=lambda k: scores[k]) if math.isfinite(scores[k])][:top]
    if not ranked:
        return {}
    raw = {k: 1.0 / scores[k] ** 2 for k in ranked}
    total = sum(raw.values())
    return {k: v / total for k, v in raw.items()}


def combine(results: dict[str, ForecastResult], weights: dict[str, float]) -> tuple:
    """Weighted average of the members' point forecasts and interval bounds."""
    total = sum(weights[k] for k in results)
    attrs = ("yhat", "lower", "upper")
    return tuple(sum(weights[k] / total * getattr(r, a) for k, r in results.items()) for a in attrs)


def _json_bt(bt: dict, scores: dict) -> dict:
    """Backtest table with inf replaced by None (JSON-safe)."""

    def clean(x: float) -> float | None:
        return round(x, 6) if math.isfinite(x) else None

    return {
        k: {**{a: clean(b) for a, b in v.items()}, "score": clean(scores[k])} for k, v in bt.items()
    }


def _fallback(
    y: np.ndarray, h: int, periods: tuple[int, ...], level: float, name: str = "theta"
) -> ForecastResult:
    """``name`` (theta) alone, for histories too short to backtest (its own interval, not
    calibrated)."""
    res = _FUNCS[name](y, h, periods or 1, BASE_LEVEL)
    reason = f"history of {len(y)} points too short for a backtest of horizon {h}; used {name}"
    info = {"periods": list(periods), "origins": 0, "weights": {name: 1.0}, "reasons": [reason]}
    final = (res.yhat, res.lower, res.upper)
    return calibrated_result(y, [], [], final, f"auto:{name}", info, level)


def blend_windows(
    runs: dict[str, list[ForecastResult | None]], weights: dict[str, float], count: int
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray] | None]:
    """The blend's backtest forecast at each cut (None where a member failed there)."""
    out: list[tuple[np.ndarray, np.ndarray, np.ndarray] | None] = []
    for i in range(count):
        members = {k: runs[k][i] for k in weights}
        ok = {k: r for k, r in members.items() if r is not None}
        out.append(combine(ok, weights) if len(ok) == len(members) else None)
    return out


def calibrated_result(
    y: np.ndarray,
    cuts: list[int],
    windows: list,
    final: tuple[np.ndarray, np.ndarray, np.ndarray],
    model: str,
    info: dict,
    level: float,
) -> ForecastResult:
    """``final`` (point forecast and ``BASE_LEVEL`` interval) with the requested ``level``
    interval and the stored bands calibrated on the backtest ``windows``."""
    cal = calibrate.from_backtest(y, cuts, windows, final)
    if cal is None:
        bands = {lv: calibrate.gaussian_band(*final, lv) for lv in {*BANDS, level}}
        info = {**info, "calibration": None}
        info["reasons"] = [*info.get("reasons", []), "too few backtest errors to calibrate"]
    else:
        bands = {lv: cal.band(lv) for lv in {*BANDS, level}}
        info = {**info, "calibration": cal.summary()}
    res = finish(final[0], *bands[level], model, info)
    res.bands = {
        lv: (np.minimum(bands[lv][0], res.yhat), np.maximum(bands[lv][1], res.yhat)) for lv in BANDS
    }
    res.calibration = cal
    return res


def forecast(
    y: np.ndarray,
    h: int,
    m: Periods,
    level: float = 0.8,
    candidates: tuple[str, ...] = CANDIDATES,
    origins: int = ORIGINS,
    expand: bool = True,
    slow: tuple[str, ...] = SLOW_CANDIDATES,
    budget: float | None = None,
) -> ForecastResult:
    """Backtest the candidates, then forecast with the weighted best ``TOP`` of them; the
    interval is calibrated on the blend's backtest errors. ``expand``: add a weekly period
    when the data shows one (:func:`expand_periods`). ``slow`` candidates join when the
    fast ones leave room in ``budget`` seconds (None: ``budget.BUDGET_SECONDS``; ``math.inf``:
    always)."""
    started = time.perf_counter()
    y = validate(y, h, level)
    unknown = [c for c in candidates if c not in _FUNCS]
    if unknown:
        raise ValueError(f"unknown auto candidate(s) {unknown}; choose from {sorted(_FUNCS)}")
    periods = expand_periods(y, m) if expand else as_periods(m)
    cuts = _origins(len(y), h, periods, origins)
    spare = candidates[0] if len(candidates) == 1 else "theta"
    if not cuts:
        return _fallback(y, h, periods, level, spare)
    runs = backtest_runs(y, h, periods, tuple(candidates), cuts)
    skipped = _add_slow(runs, y, h, periods, cuts, slow, budget, started)
    bt = score_runs(y, h, periods, runs, cuts)
    scores = relative_scores(bt)
    weights = choose_weights(scores)
    results = {k: r for k in weights if (r := _try(k, y, h, periods, BASE_LEVEL)) is not None}
    if not results:
        return _fallback(y, h, periods, level, spare)
    weights = {k: weights[k] for k in results}
    info = {
        "periods": list(periods),
        "origins": len(cuts),
        "backtest": _json_bt(bt, scores),
        "weights": {k: round(weights[k], 6) for k in results},
        "reasons": [f"top {len(results)} of {len(bt)} candidates by backtest score", *skipped],
    }
    windows = blend_windows(runs, weights, len(cuts))
    final = combine(results, weights)
    return calibrated_result(y, cuts, windows, final, "auto:" + "+".join(results), info, level)


def _add_slow(runs, y, h, periods, cuts, slow, budget, started) -> list[str]:
    """Backtest each ``slow`` candidate the budget still allows (into ``runs``); returns the
    reasons the others were skipped."""
    reasons = []
    for name in slow:
        if name in runs:
            continue
        spent = time.perf_counter() - started
        fits = len(cuts) + 1  # its backtest and its final fit
        reserve = spent / len(cuts)  # the fast members' final fits, about one origin's worth
        ok, why = timing.affordable(name, len(y), fits, spent, budget, reserve)
        if ok:
            runs.update(backtest_runs(y, h, periods, (name,), cuts))
        elif why:
            reasons.append(why)
    return reasons


def single(name: str, y: np.ndarray, h: int, m: Periods, level: float = 0.8) -> ForecastResult:
    """Model ``name`` alone, with the same backtest and calibrated interval as ``auto``
    (what a forecast config naming one model gets)."""
    res = forecast(y, h, m, level, candidates=(name,), expand=False, slow=())
    res.model = name
    return res
