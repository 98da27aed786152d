"""Classical seasonal decomposition helpers (seasonality test and seasonal indices)."""

from __future__ import annotations

import numpy as np


def acf(x: np.ndarray, nlags: int) -> np.ndarray:
    """Sample autocorrelations at lags 1..nlags."""
    d = x - np.mean(x)
    den = float(np.dot(d, d)) or 1.0
    return np.array([np.dot(d[: len(d) - k], d[k:]) / den for k in range(1, nlags + 1)])


def is_seasonal(x: np.ndarray, p: int) -> bool:
    """90 % one-sided test on the lag-``p`` autocorrelation (the M4 guide's test)."""
    n = len(x)
    if p <= 1 or n < 3 * p:
        return False
    r = acf(x, p)
    limit = 1.645 * np.sqrt((1.0 + 2.0 * float(np.sum(r[: p - 1] ** 2))) / n)
    return bool(abs(r[p - 1]) > limit)


def _centred_mean(x: np.ndarray, p: int) -> np.ndarray:
    """Centred moving average of width ``p`` (2×p for even ``p``); NaN at the ends."""
    w = np.r_[0.5, np.ones(p - 1), 0.5] / p if p % 2 == 0 else np.ones(p) / p
    half = len(w) // 2
    out = np.full(len(x), np.nan)
    out[half : len(x) - half] = np.convolve(x, w, mode="valid")
    return out


def seasonal_indices(x: np.ndarray, p: int, multiplicative: bool) -> np.ndarray:
    """One index per phase ``t mod p`` (mean 1 if multiplicative, mean 0 if additive)."""
    trend = _centred_mean(x, p)
    detr = x / trend if multiplicative else x - trend
    idx = np.array([np.nanmean(detr[k::p]) for k in range(p)])
    return idx / np.mean(idx) if multiplicative else idx - np.mean(idx)


def seasonal_component(
    x: np.ndarray, periods: tuple[int, ...], h: int, multiplicative: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Seasonal factors for the history and the next ``h`` steps, one period at a time.

    A period is used only if the (already adjusted) series passes :func:`is_seasonal`.
    Returns (history factors, future factors); 1/0 when nothing is seasonal.
    """
    n = len(x)
    hist, fut = (np.ones(n), np.ones(h)) if multiplicative else (np.zeros(n), np.zeros(h))
    for p in periods:
        adj = x / hist if multiplicative else x - hist
        if not is_seasonal(adj, p):
            continue
        idx = seasonal_indices(adj, p, multiplicative)
        ph, pf = idx[np.arange(n) % p], idx[np.arange(n, n + h) % p]
        hist, fut = (hist * ph, fut * pf) if multiplicative else (hist + ph, fut + pf)
    return hist, fut


def is_seasonal_beyond(x: np.ndarray, base: int, longer: int) -> bool:
    """Seasonality test at lag ``longer``, also run with the ``base`` profile removed.

    With a strong ``base`` (daily) cycle the plain test's bound becomes so wide that a
    real weekly pattern can go unnoticed; the adjusted series shows it.
    """
    if is_seasonal(x, longer):
        return True
    if base <= 1 or len(x) < 3 * longer:
        return False
    hist, _ = seasonal_component(x, (base,), 0, multiplicative=False)
    return is_seasonal(x - hist, longer)
