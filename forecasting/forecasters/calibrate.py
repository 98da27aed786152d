"""Prediction intervals calibrated on the model's own rolling-origin backtest errors.

Conformal-style ("normalised split conformal" with the backtest windows as the
calibration set): at every backtest origin the model (or ``auto``'s blend) forecast a
window it had not seen, with its own interval at ``BASE_LEVEL``. Each error there is
divided by that interval's half-width on the side it fell (the model's own, horizon-
and shape-aware, idea of its uncertainty), giving one score per backtested step. The
band at level ``L`` is the model's ``BASE_LEVEL`` interval stretched by the ``L``
quantile of those scores (finite-sample conformal rank), times an inflation that
accounts for the future being one window further away than the calibration windows.

The inflation factors (``DEFAULT_INFLATION``) were chosen by cross-validation over
series (``bench/m4_interval_cv.py``): chosen on training folds, scored on held-out
series. Everything here is pure numpy (no Django).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np

#: The interval width every model is run at; calibrated bands are rescaled from it.
BASE_LEVEL = 0.8
#: The bands a forecast stores and the page shades.
BANDS = (0.8, 0.95)
#: Band level -> score-quantile inflation (cross-validated, see the module docstring).
DEFAULT_INFLATION: dict[float, float] = {0.8: 1.0, 0.95: 1.0}
#: A half-width is never taken below this share of the series' typical step change
#: (a perfect backtest would otherwise give zero-width bands and infinite scores).
WIDTH_FLOOR = 1e-3
#: Fewest backtest scores a calibration is made from (else the model's own interval).
MIN_SCORES = 10


@dataclass
class Calibration:
    """The model's point forecast and ``BASE_LEVEL`` interval, plus its backtest scores."""

    yhat: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    scores: np.ndarray  # (origins, h) normalised absolute backtest errors
    floor: float
    inflation: dict[float, float] = field(default_factory=lambda: dict(DEFAULT_INFLATION))

    def multiplier(self, level: float, inflation: float | None = None) -> float:
        """Stretch of the base half-widths that gives a ``level`` band."""
        lam = self.inflation.get(round(level, 4), 1.0) if inflation is None else inflation
        return lam * conformal_quantile(self.scores.reshape(-1), level)

    def band(self, level: float, inflation: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of the calibrated ``level`` band."""
        q = self.multiplier(level, inflation)
        down, up = half_widths(self.yhat, self.lower, self.upper, self.floor)
        return self.yhat - q * down, self.yhat + q * up

    def summary(self) -> dict:
        """JSON-safe description (what the forecast stores and the page shows)."""
        return {
            "method": "conformal: backtest errors / base-interval half-width",
            "base_level": BASE_LEVEL,
            "scores": int(self.scores.size),
            "origins": int(self.scores.shape[0]),
            "multipliers": {str(lv): round(self.multiplier(lv), 4) for lv in BANDS},
        }


def typical_change(y: np.ndarray) -> float:
    """Mean absolute step-to-step change of ``y`` (1 when it never changes)."""
    d = float(np.mean(np.abs(np.diff(y)))) if len(y) > 1 else 0.0
    return d if d > 0 else 1.0


def half_widths(
    yhat: np.ndarray, lower: np.ndarray, upper: np.ndarray, floor: float
) -> tuple[np.ndarray, np.ndarray]:
    """Distances from the point forecast down to ``lower`` and up to ``upper`` (≥ floor)."""
    return np.maximum(yhat - lower, floor), np.maximum(upper - yhat, floor)


def scores(
    actual: np.ndarray, yhat: np.ndarray, lower: np.ndarray, upper: np.ndarray, floor: float
) -> np.ndarray:
    """Each error divided by the base half-width on the side it fell."""
    down, up = half_widths(yhat, lower, upper, floor)
    err = actual - yhat
    return np.where(err >= 0, err / up, -err / down)


def conformal_quantile(s: np.ndarray, level: float) -> float:
    """The ``ceil((n + 1) * level)``-th smallest score (the largest one when n is small)."""
    n = len(s)
    if n == 0:
        return 1.0
    k = min(n, math.ceil((n + 1) * level))
    return float(np.partition(s, k - 1)[k - 1])


def from_backtest(
    y: np.ndarray,
    cuts: list[int],
    windows: list[tuple[np.ndarray, np.ndarray, np.ndarray] | None],
    final: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> Calibration | None:
    """A calibration from backtest ``windows`` ((yhat, lower, upper) forecast at each cut,
    None where the model failed) and the ``final`` forecast's base curves; None when the
    backtest left fewer than ``MIN_SCORES`` scores."""
    floor = WIDTH_FLOOR * typical_change(y)
    rows = []
    for cut, win in zip(cuts, windows, strict=True):
        if win is None:
            continue
        yhat, lower, upper = win
        actual = y[cut : cut + len(yhat)]
        rows.append(
            scores(actual, yhat[: len(actual)], lower[: len(actual)], upper[: len(actual)], floor)
        )
    if not rows or sum(len(r) for r in rows) < MIN_SCORES:
        return None
    width = min(len(r) for r in rows)
    return Calibration(*final, scores=np.vstack([r[:width] for r in rows]), floor=floor)


def gaussian_band(
    yhat: np.ndarray, lower: np.ndarray, upper: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """The ``BASE_LEVEL`` interval rescaled to ``level`` as if it were Gaussian (used only
    when there is no backtest to calibrate on)."""
    ratio = NormalDist().inv_cdf(0.5 + level / 2) / NormalDist().inv_cdf(0.5 + BASE_LEVEL / 2)
    return yhat - ratio * (yhat - lower), yhat + ratio * (upper - yhat)
