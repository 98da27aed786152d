"""Prediction intervals calibrated on the model's own rolling-origin backtest errors.

At every backtest origin the model (or ``auto``'s blend) forecast a window it had not
seen, with its own interval at ``BASE_LEVEL``. Each error there is divided by that
interval's half-width on the side it fell (the model's own, horizon- and shape-aware idea
of its uncertainty): one score per backtested step, signed by its side. The scores'
scale (root mean square) says how much wider, or narrower, the model's interval should
have been on this series: over all scores, and above and below the forecast apart.

Each side of the band at level ``L`` is the model's ``BASE_LEVEL`` half-width stretched
by ``inflation * scale ** pooling`` where ``scale`` is the geometric blend
``all ** (1 - side) * that side's ** side``: a split-conformal rescaling in which the
per-series scale, estimated from only a few (correlated) backtest windows, is shrunk
toward 1 (``pooling`` < 1), may lean to one side (``side``), and the future being one
window further away than the backtest windows is absorbed by ``inflation``. An
empirical per-series 95 % quantile of the scores was tried first and is too noisy on
three windows (M4 hourly DEV MSIS 6.7-6.9, against 6.15 for the models' own intervals).

``(inflation, pooling, side)`` per level were chosen by cross-validation over series
(``bench/m4_interval_cv.py``: chosen on training folds, scored on held-out series).
Everything here is pure numpy (no Django).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np

#: The interval width every model is run at; calibrated bands are rescaled from it.
BASE_LEVEL = 0.95
#: The bands a forecast stores and the page shades.
BANDS = (0.8, 0.95)
#: Band level -> (inflation, pooling, side), cross-validated (see the module docstring).
DEFAULT_PARAMS: dict[float, tuple[float, float, float]] = {
    0.8: (0.9, 0.5, 0.25),
    0.95: (1.58, 0.5, 0.5),
}
#: A half-width is never taken below this share of the series' typical step change
#: (a perfect backtest would otherwise give zero-width bands and infinite scores).
WIDTH_FLOOR = 1e-3
#: The scores' scale is not taken below this (a perfect backtest keeps a band).
MIN_SCALE = 0.05
#: Fewest backtest scores a calibration is made from (else the model's own interval).
MIN_SCORES = 10
#: Fewest scores on one side for that side's own scale (else the overall one).
MIN_SIDE_SCORES = 5

Params = tuple[float, float, float]


def z_of(level: float) -> float:
    """The standard normal quantile of a central ``level`` interval (1.96 at 95 %)."""
    return NormalDist().inv_cdf(0.5 + level / 2.0)


def level_params(level: float, table: dict[float, Params]) -> Params:
    """(inflation, pooling, side) at ``level``: the table's at its levels; in between and
    beyond, the inflation per unit of the normal quantile and the other two are
    interpolated (held at the nearest level's outside the table)."""
    levels = sorted(table)
    zs = [z_of(lv) for lv in levels]
    z = z_of(level)
    per_z = np.interp(z, zs, [table[lv][0] / z_of(lv) for lv in levels])
    pool = np.interp(z, zs, [table[lv][1] for lv in levels])
    side = np.interp(z, zs, [table[lv][2] for lv in levels])
    return float(per_z * z), float(pool), float(side)


def rms(s: np.ndarray) -> float:
    """Root mean square (at least ``MIN_SCALE``)."""
    return max(float(np.sqrt(np.mean(np.square(s)))), MIN_SCALE)


@dataclass
class Calibration:
    """The model's point forecast and ``BASE_LEVEL`` interval, plus its backtest scores."""

    yhat: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    scores: np.ndarray  # (origins, h) normalised backtest errors, > 0 above the forecast
    floor: float
    params: dict[float, Params] = field(default_factory=lambda: dict(DEFAULT_PARAMS))

    @property
    def scale(self) -> float:
        """Root mean square of the scores (1: the model's interval was about right)."""
        return rms(self.scores)

    def side_scale(self, above: bool) -> float:
        """The scale of the scores on one side (the overall one when too few fell there)."""
        s = self.scores[self.scores > 0] if above else self.scores[self.scores < 0]
        return rms(s) if len(s) >= MIN_SIDE_SCORES else self.scale

    def multipliers(self, level: float, params: Params | None = None) -> tuple[float, float]:
        """Stretches (below, above) of the base half-widths that give a ``level`` band;
        ``params`` (inflation, pooling, side) replace the table's (the CV bench)."""
        infl, pool, side = params or level_params(level, self.params)
        out = []
        for above in (False, True):
            blend = self.scale ** (1.0 - side) * self.side_scale(above) ** side
            out.append(infl * blend**pool)
        return out[0], out[1]

    def band(self, level: float, params: Params | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of the calibrated ``level`` band."""
        q_down, q_up = self.multipliers(level, params)
        down, up = half_widths(self.yhat, self.lower, self.upper, self.floor)
        return self.yhat - q_down * down, self.yhat + q_up * up

    def summary(self) -> dict:
        """JSON-safe description (what the forecast stores and the page shows)."""
        return {
            "method": "model interval × inflation × rms(backtest error / half-width) ** pooling",
            "base_level": BASE_LEVEL,
            "scores": int(self.scores.size),
            "origins": int(self.scores.shape[0]),
            "scale": round(self.scale, 4),
            "multipliers": {str(lv): [round(q, 4) for q in self.multipliers(lv)] for lv in BANDS},
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
    """Each error divided by the base half-width on the side it fell (negative below)."""
    down, up = half_widths(yhat, lower, upper, floor)
    err = actual - yhat
    return np.where(err >= 0, err / up, err / down)


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
    """The model's ``BASE_LEVEL`` interval rescaled to ``level`` as if it were Gaussian
    (used only when there is no backtest to calibrate on)."""
    ratio = z_of(level) / z_of(BASE_LEVEL)
    return yhat - ratio * (yhat - lower), yhat + ratio * (upper - yhat)
