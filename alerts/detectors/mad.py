"""Seasonal robust detector: median / MAD of the same wall-clock hour (of the week).

The baseline of a point is the median of the recent values seen in the same *local
wall-clock* bucket: same hour of the week if that bucket already holds ``min_bucket``
values, else same hour of the day, else simply the last ``recent`` values. Using the
wall clock (``datetime.hour`` of tz-aware timestamps) keeps "9 am" aligned across DST
changes. The spread is ``1.4826 * MAD`` of the bucket, floored by the typical absolute
residual of the last ``resid_window`` points and by 5 % of the recent standard deviation
(so a perfectly repeating bucket does not make every tiny deviation infinite).
``z = |x - median| / spread``, ``score = z / (z + z_half)``; default threshold 0.72 (``z >= 7.7``, the NAB DEV optimum).

Repeated alarms are damped for ``rest`` points (see ``base.py``).

State: per-bucket ring buffers (24 day buckets × ``day_depth`` and 168 week buckets ×
``week_depth`` values) plus two short rings — a few thousand numbers at most.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from .base import Detector, TimeInfo

_MAD = 1.4826


def wall_buckets(wall: float) -> tuple[str, str]:
    """(hour-of-day, hour-of-week) bucket keys of a wall-clock epoch second."""
    days = math.floor(wall / 86400.0)
    hour = int((wall - days * 86400.0) // 3600.0)
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    return str(hour), str(weekday * 24 + hour)


def _push(buf: list[float], v: float, depth: int) -> None:
    buf.append(v)
    if len(buf) > depth:
        del buf[0]


class MadSeasonalDetector(Detector):
    """Robust z-score against a same-hour-of-day / same-hour-of-week baseline."""

    name: ClassVar[str] = "mad_seasonal"
    DEFAULT_THRESHOLD: ClassVar[float] = 0.72  # z >= 7.7; NAB DEV optimum 0.726
    DEFAULT_PARAMS: ClassVar[dict[str, Any]] = {
        "day_depth": 36,
        "week_depth": 12,
        "min_bucket": 3,
        "recent": 48,
        "resid_window": 256,
        "z_half": 3.0,
        "rest": 300,
        "damp": 0.5,
    }

    def _init_state(self) -> dict[str, Any]:
        return {"day": {}, "week": {}, "recent": [], "resid": []}

    def _score(
        self, t: TimeInfo, x: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        out = np.zeros((4, len(x)))
        z_thr = self.params["z_half"] * self.threshold / max(1.0 - self.threshold, 1e-9)
        for i, (w, v) in enumerate(zip(t.wall, x, strict=True)):
            if not math.isfinite(v):
                out[:, i] = 0.0, v, v, v
                continue
            score, med, spread = self._step(float(w), float(v))
            out[:, i] = score, med, med - z_thr * spread, med + z_thr * spread
        return out[0], out[1], out[2], out[3]

    def _baseline(self, day_key: str, week_key: str) -> list[float]:
        """The value history to compare with: week bucket, else day bucket, else recent."""
        st, need = self.state, self.params["min_bucket"]
        for hist in (st["week"].get(week_key, []), st["day"].get(day_key, [])):
            if len(hist) >= need:
                return hist
        return st["recent"]

    def _step(self, wall: float, v: float) -> tuple[float, float, float]:
        st, p = self.state, self.params
        day_key, week_key = wall_buckets(wall)
        hist = self._baseline(day_key, week_key)
        score, med, spread = 0.0, v, 0.0
        if len(hist) >= p["min_bucket"]:
            arr = np.asarray(hist)
            med = float(np.median(arr))
            spread = self._spread(arr, med)
            z = abs(v - med) / spread
            score = z / (z + p["z_half"])
            _push(st["resid"], abs(v - med), p["resid_window"])
        _push(st["day"].setdefault(day_key, []), v, p["day_depth"])
        _push(st["week"].setdefault(week_key, []), v, p["week_depth"])
        _push(st["recent"], v, p["recent"])
        return score, med, spread

    def _spread(self, arr: np.ndarray, med: float) -> float:
        """Bucket MAD, floored by the typical recent residual and a tiny relative epsilon."""
        mad = _MAD * float(np.median(np.abs(arr - med)))
        resid = self.state["resid"]
        typical = _MAD * float(np.median(resid)) if len(resid) >= 8 else 0.0
        level = 0.05 * float(np.std(self.state["recent"])) if self.state["recent"] else 0.0
        return max(mad, typical, level, 1e-6 * max(abs(med), 1.0))
