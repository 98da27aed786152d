"""Functions of a range vector (rate family, derivatives, changes), computed for every
(series, step) window at once with Prometheus v2.42's arithmetic.

Each function takes the :class:`Matrix`, the per-step values of its scalar arguments and the
evaluation times, and returns (values, present) arrays of shape (N, T). Windows with too
few samples produce no point, as in Prometheus.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .errors import ExecutionError
from .folds import regression_sums
from .values import Matrix
from .windows import window_reduce

Result = tuple[np.ndarray, np.ndarray]


def _scatter(ok: np.ndarray, flat: np.ndarray) -> Result:
    if flat.shape == ok.shape:  # every window qualified: computed in place, (N, T)
        return flat, ok
    out = np.zeros(ok.shape)
    out[ok] = flat
    return out, ok


def _windows(m: Matrix, need: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(ok, first, last, window end) of the windows with at least ``need`` samples: as
    (N, T) arrays when all qualify (no copies), else flattened."""
    ok = m.counts >= need
    if ok.all():
        return ok, m.lo, m.hi - 1, m.ends[None, :]
    return ok, m.lo[ok], m.hi[ok] - 1, m.ends[np.nonzero(ok)[1]]


def _range_seconds(range_ms: int) -> float:
    """Go's ``Duration.Seconds()``: whole seconds plus the fraction, added."""
    return float(range_ms // 1000) + (range_ms % 1000) * 1_000_000 / 1e9


def _pair_flags(m: Matrix, changed: Callable[..., np.ndarray]) -> np.ndarray:
    """``changed(previous, current)`` for each sample and the one before it in its series."""
    v = m.vals
    flags = np.zeros(len(v), dtype=bool)
    if len(v) > 1:
        changed(v[:-1], v[1:], out=flags[1:])
        inner_starts = m.offsets[1:-1]
        flags[inner_starts[inner_starts < len(v)]] = False
    return flags


def _resets_correction(m: Matrix, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Sum of the values before each counter reset inside each window (first, last]."""
    resets = np.flatnonzero(_pair_flags(m, np.greater))  # samples lower than the one before
    corr = np.zeros(first.shape)
    if len(resets) == 0:
        return corr
    after_first = np.searchsorted(resets, first, side="right")
    up_to_last = np.searchsorted(resets, last, side="right")
    has = up_to_last > after_first
    if has.any():  # sum the (few) values before those resets, in order
        corr[has] = window_reduce(np.add, m.vals[resets - 1], after_first[has], up_to_last[has])
    return corr


def extrapolated_rate(m: Matrix, is_counter: bool, is_rate: bool) -> Result:
    """rate / increase / delta: the change over the window, extrapolated to its edges."""
    ok, first, last, range_end = _windows(m, 2)
    result = m.vals[last] - m.vals[first]
    if is_counter:
        result += _resets_correction(m, first, last)
    rows = max(1, _CACHE_CELLS // max(1, first.shape[-1]) if first.ndim == 2 else _CACHE_CELLS)
    for r in range(0, len(first), rows):  # blocks that stay in cache: fewer memory passes
        part = slice(r, r + rows)
        end = range_end if range_end.ndim == 2 else range_end[part]
        factor = _factor(m, first[part], last[part], end, result[part], is_counter)
        if is_rate:  # Prometheus divides the factor, then multiplies: same rounding
            factor /= _range_seconds(m.range_ms)
        result[part] *= factor
    return _scatter(ok, result)


_CACHE_CELLS = 1 << 15


def _factor(m: Matrix, first, last, range_end, result, is_counter: bool) -> np.ndarray:
    """How much to scale the change over the sampled interval to cover the window."""
    vf, tf, tl = m.vals[first], m.ts[first], m.ts[last]
    with np.errstate(all="ignore"):
        to_start = (tf - (range_end - m.range_ms)) / 1000
        to_end = (range_end - tl) / 1000
        sampled = (tl - tf) / 1000
        average = sampled / (last - first)
        if is_counter:
            to_zero = sampled * (vf / result)
            zero_first = (result > 0) & (vf >= 0) & (to_zero < to_start)
            np.copyto(to_start, to_zero, where=zero_first)
        threshold = average * 1.1
        half = average / 2
        interval = sampled + np.where(to_start < threshold, to_start, half)
        interval += np.where(to_end < threshold, to_end, half)
        return interval / sampled


def instant_value(m: Matrix, is_rate: bool) -> Result:
    """irate / idelta: from the last two samples of the window."""
    ok = m.counts >= 2
    last = m.hi[ok] - 1
    vl, vp = m.vals[last], m.vals[last - 1]
    interval = m.ts[last] - m.ts[last - 1]
    with np.errstate(all="ignore"):
        result = np.where(vl < vp, vl, vl - vp) / (interval / 1000) if is_rate else vl - vp
    ok[ok] = interval != 0
    return _scatter(ok, result[interval != 0])


def count_steps(m: Matrix, changed: Callable[..., np.ndarray]) -> Result:
    """changes / resets: how many consecutive sample pairs in the window satisfy ``changed``."""
    ok = m.counts >= 1
    before = np.cumsum(_pair_flags(m, changed))
    first, last = m.lo[ok], m.hi[ok] - 1
    return _scatter(ok, (before[last] - before[first]).astype(np.float64))


def _changed(prev: np.ndarray, cur: np.ndarray, out: np.ndarray) -> np.ndarray:
    return np.logical_and(cur != prev, ~(np.isnan(cur) & np.isnan(prev)), out=out)


def linear_regression(
    m: Matrix, ok: np.ndarray, intercept_ms: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares slope and intercept (at ``intercept_ms``) of each window in ``ok``;
    a constant window has slope 0 (NaN if its value is infinite)."""
    lo, hi = m.lo[ok], m.hi[ok]
    (sum_x, sum_y, sum_xy, sum_x2), constant = regression_sums(m, lo, hi, intercept_ms)
    n = (hi - lo).astype(np.float64)
    with np.errstate(all="ignore"):
        cov = sum_xy - sum_x * sum_y / n
        var = sum_x2 - sum_x * sum_x / n
        slope = cov / var
        intercept = sum_y / n - slope * sum_x / n
    init = m.vals[lo]
    slope = np.where(constant, np.where(np.isinf(init), np.nan, 0.0), slope)
    intercept = np.where(constant, np.where(np.isinf(init), np.nan, init), intercept)
    return slope, intercept


def deriv(m: Matrix) -> Result:
    ok = m.counts >= 2
    slope, _ = linear_regression(m, ok, m.ts[m.lo[ok]])
    return _scatter(ok, slope)


def predict_linear(m: Matrix, duration: np.ndarray, times: np.ndarray) -> Result:
    """The regression line at the evaluation time plus ``duration`` seconds."""
    ok = m.counts >= 2
    steps = np.nonzero(ok)[1]
    slope, intercept = linear_regression(m, ok, times[steps])
    with np.errstate(all="ignore"):
        return _scatter(ok, slope * duration[steps] + intercept)


def _check_factor(values: np.ndarray, what: str, short: str) -> None:
    bad = (values <= 0) | (values >= 1) | np.isnan(values)
    if bad.any():
        got = float(values[bad][0])
        raise ExecutionError(f"invalid {what} factor. Expected: 0 < {short} < 1, got: {got:f}")


def holt_winters(m: Matrix, sf_steps: np.ndarray, tf_steps: np.ndarray) -> Result:
    """Double exponential smoothing, run for all windows in lockstep."""
    ok = m.counts >= 2
    steps = np.nonzero(ok)[1]
    sf, tf = sf_steps[steps], tf_steps[steps]
    if len(steps):
        _check_factor(sf, "smoothing", "sf")
        _check_factor(tf, "trend", "tf")
    lo, n = m.lo[ok], m.counts[ok]
    v = m.vals
    s0, s1 = np.zeros(len(lo)), v[lo].copy()
    b = v[np.minimum(lo + 1, len(v) - 1)] - v[lo]
    with np.errstate(all="ignore"):
        for i in range(1, int(n.max()) if len(n) else 0):
            act = n > i
            x = sf * v[np.where(act, lo + i, lo)]
            if i > 1:
                b = np.where(act, tf * (s1 - s0) + (1 - tf) * b, b)
            y = (1 - sf) * (s1 + b)
            s0, s1 = np.where(act, s1, s0), np.where(act, x + y, s1)
    return _scatter(ok, s1)


def _scalar_args(name: str, m: Matrix, args: list[np.ndarray], times: np.ndarray) -> Result:
    if name == "predict_linear":
        return predict_linear(m, args[0], times)
    return holt_winters(m, args[0], args[1])


RATE_FUNCTIONS: dict[str, Callable[[Matrix], Result]] = {
    "rate": lambda m: extrapolated_rate(m, True, True),
    "increase": lambda m: extrapolated_rate(m, True, False),
    "delta": lambda m: extrapolated_rate(m, False, False),
    "irate": lambda m: instant_value(m, True),
    "idelta": lambda m: instant_value(m, False),
    "changes": lambda m: count_steps(m, _changed),
    "resets": lambda m: count_steps(m, np.greater),
    "deriv": deriv,
}
WITH_SCALARS = frozenset({"predict_linear", "holt_winters"})
