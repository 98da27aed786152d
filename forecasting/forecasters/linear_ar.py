"""Linear autoregression on short and seasonal lags, fitted by least squares.

``y[t]`` (log-transformed when the history is strictly positive, then standardised) is
regressed on ``y[t-1..t-24]``, on lags around each season (``p-1, p, p+1, 2p…``) and on
the multiples of the daily period up to the weekly one. Forecasts are made recursively;
the interval comes from simulating paths with resampled in-sample residuals.
"""

from __future__ import annotations

import numpy as np

from .base import ForecastResult, Periods, finish, usable_periods, validate

MAX_SHORT_LAGS = 24
N_PATHS = 200
#: Tiny ridge penalty (on standardised data): keeps collinear lags solvable.
RIDGE = 1e-6
#: Forecasts may leave the historical range by at most this fraction of it.
RANGE_SLACK = 0.5


def choose_lags(n: int, m: Periods) -> list[int]:
    """Autoregressive lags for ``n`` points with the seasonal period(s) ``m``."""
    periods = usable_periods(n, m, cycles=3.0)
    short = max(1, min(MAX_SHORT_LAGS, periods[0] if periods else n // 10))
    lags = set(range(1, short + 1))
    if periods:
        p1 = periods[0]
        lags |= {p1 - 1, p1, p1 + 1, 2 * p1 - 1, 2 * p1, 2 * p1 + 1, 3 * p1}
        for big in periods[1:]:
            lags |= {k * p1 for k in range(1, big // p1 + 1)} | {big - 1, big, big + 1}
    return sorted(k for k in lags if 0 < k < n // 3)


def _transform(y: np.ndarray) -> tuple[np.ndarray, bool, float, float]:
    """Log (if strictly positive) and standardise; returns z, log flag, mean, sd."""
    use_log = bool(np.min(y) > 0)
    t = np.log(y) if use_log else y.copy()
    mu, sd = float(np.mean(t)), float(np.std(t))
    sd = sd if sd > 0 else 1.0
    return (t - mu) / sd, use_log, mu, sd


def _inverse(z: np.ndarray, use_log: bool, mu: float, sd: float) -> np.ndarray:
    """Undo :func:`_transform`."""
    t = z * sd + mu
    return np.exp(t) if use_log else t


def fit(z: np.ndarray, lags: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares coefficients (last one = intercept) and in-sample residuals."""
    top, n = max(lags), len(z)
    x = np.column_stack([z[top - k : n - k] for k in lags] + [np.ones(n - top)])
    gram = x.T @ x + RIDGE * len(x) * np.eye(x.shape[1])
    beta = np.linalg.solve(gram, x.T @ z[top:])
    return beta, z[top:] - x @ beta


def simulate(
    z: np.ndarray, lags: list[int], beta: np.ndarray, noise: np.ndarray, bounds: tuple
) -> np.ndarray:
    """Run the recursion for each row of ``noise`` (paths × h); returns paths × h."""
    paths, h = noise.shape
    top = max(lags)
    buf = np.zeros((paths, top + h))
    buf[:, :top] = z[-top:]
    idx = np.asarray(lags)
    for i in range(h):
        step = buf[:, top + i - idx] @ beta[:-1] + beta[-1] + noise[:, i]
        buf[:, top + i] = np.clip(step, *bounds)
    return buf[:, top:]


def forecast(y: np.ndarray, h: int, m: Periods, level: float = 0.8) -> ForecastResult:
    """Linear AR forecast with bootstrap intervals."""
    y = validate(y, h, level)
    z, use_log, mu, sd = _transform(y)
    lags = choose_lags(len(y), m)
    beta, resid = fit(z, lags)
    span = float(np.ptp(z))
    bounds = (float(np.min(z)) - RANGE_SLACK * span, float(np.max(z)) + RANGE_SLACK * span)
    point = simulate(z, lags, beta, np.zeros((1, h)), bounds)[0]
    rng = np.random.default_rng(0)
    sims = simulate(z, lags, beta, rng.choice(resid, size=(N_PATHS, h)), bounds)
    lo, hi = np.quantile(sims, [(1 - level) / 2, (1 + level) / 2], axis=0)
    info = {"lags": lags, "log": use_log}
    yhat, lower, upper = (_inverse(a, use_log, mu, sd) for a in (point, lo, hi))
    return finish(yhat, lower, upper, "linear_ar", info)
