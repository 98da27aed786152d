"""Rolling z-score: how many standard deviations a point is from the previous ``window``.

For each point ``x_t``: ``mu``, ``sd`` = mean and standard deviation of the ``window``
values *before* it, ``z = |x_t - mu| / sd`` and ``score = z / (z + z_half)`` (0.5 at
``|z| = z_half``). Points with fewer than ``min_history`` past values score 0.
The state is the last ``window`` values; each point's statistics are computed from
exactly the same numbers whether the series arrives in one call or in chunks.
No rest period by default (``rest=0``: the plain baseline). Default threshold 4/7 ≈ 0.571, i.e. ``|z| >= 4`` with ``z_half = 3``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from .base import Detector, TimeInfo


class ZScoreDetector(Detector):
    """Rolling z-score against the previous ``window`` points."""

    name: ClassVar[str] = "zscore"
    DEFAULT_THRESHOLD: ClassVar[float] = 4.0 / 7.0
    DEFAULT_PARAMS: ClassVar[dict[str, Any]] = {
        "window": 288,
        "min_history": 24,
        "z_half": 3.0,
        "rest": 0,
        "damp": 0.5,
    }

    def _init_state(self) -> dict[str, Any]:
        return {"buf": []}

    def _score(
        self, t: TimeInfo, x: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        w = int(self.params["window"])
        x = np.where(np.isfinite(x), x, np.nan)
        buf = np.asarray(self.state["buf"], dtype=float)
        pad = np.concatenate((np.full(w - len(buf), np.nan), buf, x))
        rows = np.lib.stride_tricks.sliding_window_view(pad[:-1], w)  # row i: w values before x_i
        mu, sd, cnt = _row_stats(rows)
        z_half = float(self.params["z_half"])
        floor = 1e-6 * np.maximum(1.0, np.abs(mu))
        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.abs(x - mu) / np.maximum(sd, floor)
            score = np.nan_to_num(z / (z + z_half), nan=0.0, posinf=1.0)
        score[cnt < int(self.params["min_history"])] = 0.0
        self.state["buf"] = [float(v) for v in pad[-w:]]  # NaN (missing) → null in JSON
        z_thr = z_half * self.threshold / max(1.0 - self.threshold, 1e-9)
        half = np.nan_to_num(z_thr * sd, nan=0.0)
        mu = np.where(np.isfinite(mu), mu, x)
        return score, mu, mu - half, mu + half


def _row_stats(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, standard deviation and count of the finite values of every row."""
    ok = np.isfinite(rows)
    cnt = ok.sum(axis=1)
    den = np.maximum(cnt, 1)
    mu = np.where(ok, rows, 0.0).sum(axis=1) / den
    var = np.where(ok, (rows - mu[:, None]) ** 2, 0.0).sum(axis=1) / den
    mu = np.where(cnt > 0, mu, np.nan)
    return mu, np.sqrt(var), cnt
