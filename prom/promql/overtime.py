"""The ``*_over_time`` functions: aggregations of each series' samples in each window."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .folds import incremental_mean, kahan_sum, variance
from .values import Matrix
from .windows import gather, window_reduce

Result = tuple[np.ndarray, np.ndarray]
# Windows are processed in chunks of at most this many samples (bounds memory).
CHUNK_SAMPLES = 1 << 21


def _scatter(ok: np.ndarray, flat: np.ndarray) -> Result:
    out = np.zeros(ok.shape)
    out[ok] = flat
    return out, ok


def _chunks(lo: np.ndarray, hi: np.ndarray):
    """Slices of the windows whose total sample count stays near ``CHUNK_SAMPLES``."""
    ends = np.cumsum(hi - lo)
    start = 0
    while start < len(lo):
        base = ends[start - 1] if start else 0
        stop = int(np.searchsorted(ends, base + CHUNK_SAMPLES, side="right"))
        stop = max(stop, start + 1)
        yield slice(start, stop)
        start = stop


def _per_chunk(fn: Callable, m: Matrix, lo: np.ndarray, hi: np.ndarray, *extra) -> np.ndarray:
    parts = [fn(m, lo[s], hi[s], *(e[s] for e in extra)) for s in _chunks(lo, hi)]
    return np.concatenate(parts) if parts else np.zeros(0)


def _windows(m: Matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ok = m.counts >= 1
    return ok, m.lo[ok], m.hi[ok]


def avg_over_time(m: Matrix) -> Result:
    ok, lo, hi = _windows(m)
    return _scatter(ok, incremental_mean(m, lo, hi))


def stdvar_over_time(m: Matrix) -> Result:
    ok, lo, hi = _windows(m)
    return _scatter(ok, variance(m, lo, hi))


def stddev_over_time(m: Matrix) -> Result:
    values, ok = stdvar_over_time(m)
    return np.sqrt(values), ok


def _quantile(m: Matrix, lo: np.ndarray, hi: np.ndarray, q: np.ndarray) -> np.ndarray:
    elem, win, starts = gather(lo, hi)
    v = m.vals[elem]
    order = np.lexsort((v, ~np.isnan(v), win))  # NaN first, as Prometheus sorts
    v = v[order]
    return quantile_sorted(v, starts, (hi - lo).astype(np.float64), q)


def quantile_sorted(v: np.ndarray, starts: np.ndarray, n: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Prometheus's ``quantile``: linear interpolation between the two closest ranks."""
    with np.errstate(all="ignore"):
        rank = q * (n - 1)
        lower = np.maximum(0, np.floor(rank))
        upper = np.minimum(n - 1, lower + 1)
        weight = rank - np.floor(rank)
        usable = ~np.isnan(rank) & (q >= 0) & (q <= 1)
        lo_i = starts + np.where(usable, lower, 0).astype(np.int64)
        up_i = starts + np.where(usable, upper, 0).astype(np.int64)
        result = v[lo_i] * (1 - weight) + v[up_i] * weight
    result = np.where(np.isnan(q), np.nan, result)
    result = np.where(q < 0, -np.inf, result)
    return np.where(q > 1, np.inf, result)


def quantile_over_time(m: Matrix, q_steps: np.ndarray) -> Result:
    ok, lo, hi = _windows(m)
    q = q_steps[np.nonzero(ok)[1]]
    return _scatter(ok, _per_chunk(_quantile, m, lo, hi, q))


def _simple(fn: Callable[[Matrix, np.ndarray, np.ndarray], np.ndarray]):
    def run(m: Matrix) -> Result:
        ok, lo, hi = _windows(m)
        return _scatter(ok, fn(m, lo, hi))

    return run


OVER_TIME: dict[str, Callable[[Matrix], Result]] = {
    "count_over_time": _simple(lambda m, lo, hi: (hi - lo).astype(np.float64)),
    "sum_over_time": _simple(kahan_sum),
    "avg_over_time": avg_over_time,
    "min_over_time": _simple(lambda m, lo, hi: window_reduce(np.fmin, m.vals, lo, hi)),
    "max_over_time": _simple(lambda m, lo, hi: window_reduce(np.fmax, m.vals, lo, hi)),
    "last_over_time": _simple(lambda m, lo, hi: m.vals[hi - 1]),
    "present_over_time": _simple(lambda m, lo, hi: np.ones(len(lo))),
    "stddev_over_time": stddev_over_time,
    "stdvar_over_time": stdvar_over_time,
}
