"""Sequential folds over many windows in lockstep, reproducing Prometheus's arithmetic
bit for bit (Kahan–Neumaier compensated sums, incremental means, Welford's variance).

Step ``k`` updates every window that has a ``k``-th sample, so the cost is the longest
window times a few numpy operations over all windows, and the order of additions within a
window is Prometheus's.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .values import Matrix


def positions(
    m: Matrix, lo: np.ndarray, hi: np.ndarray
) -> Iterator[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """(k, windows having a k-th sample, their k-th values, timestamps) for each k."""
    n = hi - lo
    for k in range(int(n.max()) if len(n) else 0):
        active = n > k
        idx = np.where(active, lo + k, lo)
        yield k, active, m.vals[idx], m.ts[idx]


def kahan_add(total: np.ndarray, comp: np.ndarray, inc: np.ndarray):
    """Prometheus's ``kahanSumInc`` (with Neumaier's improvement), element-wise."""
    t = total + inc
    big = np.abs(total) >= np.abs(inc)
    return t, comp + np.where(big, (total - t) + inc, (inc - t) + total)


def kahan_sum(m: Matrix, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """sum_over_time."""
    total, comp = np.zeros(len(lo)), np.zeros(len(lo))
    with np.errstate(all="ignore"):
        for _, active, v, _ in positions(m, lo, hi):
            t, c = kahan_add(total, comp, v)
            total, comp = np.where(active, t, total), np.where(active, c, comp)
        return np.where(np.isinf(total), total, total + comp)


def mean_skips(mean: np.ndarray, v: np.ndarray) -> np.ndarray:
    """An infinite mean stays as it is unless the new value is NaN or the opposite Inf."""
    same_inf = np.isinf(v) & ((mean > 0) == (v > 0))
    finite = ~np.isinf(v) & ~np.isnan(v)
    return np.isinf(mean) & (same_inf | finite)


def incremental_mean(m: Matrix, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """avg_over_time: the running mean, Kahan-compensated, as Prometheus 2.42 computes it."""
    mean, comp = np.zeros(len(lo)), np.zeros(len(lo))
    with np.errstate(all="ignore"):
        for k, active, v, _ in positions(m, lo, hi):
            count = k + 1.0
            update = active & ~mean_skips(mean, v)
            t, c = kahan_add(mean, comp, v / count - mean / count)
            mean, comp = np.where(update, t, mean), np.where(update, c, comp)
        return np.where(np.isinf(mean), mean, mean + comp)


def variance(m: Matrix, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """stdvar_over_time: Welford's algorithm with compensated sums."""
    w = len(lo)
    mean, c_mean, aux, c_aux = np.zeros(w), np.zeros(w), np.zeros(w), np.zeros(w)
    with np.errstate(all="ignore"):
        for k, active, v, _ in positions(m, lo, hi):
            delta = v - (mean + c_mean)
            new_mean, new_c_mean = kahan_add(mean, c_mean, delta / (k + 1.0))
            new_aux, new_c_aux = kahan_add(aux, c_aux, delta * (v - (new_mean + new_c_mean)))
            mean, c_mean = np.where(active, new_mean, mean), np.where(active, new_c_mean, c_mean)
            aux, c_aux = np.where(active, new_aux, aux), np.where(active, new_c_aux, c_aux)
        return (aux + c_aux) / (hi - lo)


def regression_sums(
    m: Matrix, lo: np.ndarray, hi: np.ndarray, intercept_ms: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Compensated sums of x, y, xy, x² (x in seconds from ``intercept_ms``) per window,
    shape (4, W), and whether each window's values are all equal to its first."""
    w = len(lo)
    sums, comps = np.zeros((4, w)), np.zeros((4, w))
    first = m.vals[lo]
    constant = np.ones(w, dtype=bool)
    with np.errstate(all="ignore"):
        for k, active, y, t in positions(m, lo, hi):
            if k:
                constant &= ~active | (y == first)
            x = (t - intercept_ms) / 1e3
            new, comp = kahan_add(sums, comps, np.stack([x, y, x * y, x * x]))
            sums, comps = np.where(active, new, sums), np.where(active, comp, comps)
        return sums + comps, constant
