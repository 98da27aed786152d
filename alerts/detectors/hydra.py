"""Hydra's default detector: context novelty + value surprise → anomaly likelihood → rest.

Pipeline per point (all causal, point by point, state in plain dicts):

1. ``context``: novelty of the current run-length token of the quantised value given the
   preceding runs (see ``context.py``) — catches new levels, spikes, odd shapes and
   "stuck" signals without any assumption on scale.
2. ``surprise``: robust z-score of the value against the median / MAD of the last
   ``window`` values, squashed to [0, 1) — catches sharp deviations inside known bins.
3. each raw score goes through its own anomaly likelihood (``likelihood.py``), which
   compares the recent average with the series' own long-term behaviour; the two
   calibrated scores are combined with ``max``.
4. rest period: a score only passes if it beats every combined score of the previous
   ``rest`` points; otherwise it is damped to ``score * damp``. After an alarm, the
   same episode therefore does not alarm again (NAB, and on-call humans, only value the
   first alarm of an episode) — whatever the threshold is.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from .base import Detector, TimeInfo
from .context import context_step, new_context_state
from .likelihood import likelihood_step, new_likelihood_state


class HydraDetector(Detector):
    """Default detector (see module docstring)."""

    name: ClassVar[str] = "hydra"
    DEFAULT_THRESHOLD: ClassVar[float] = 0.5
    DEFAULT_PARAMS: ClassVar[dict[str, Any]] = {
        "warmup": 300,
        "levels": 8,
        "max_order": 4,
        "window": 32,
        "short": 10,
        "memory": 2000,
        "min_std": 0.05,
        "decades": 10.0,
        "rest": 150,
        "damp": 0.5,
        "use_surprise": True,
    }

    def _init_state(self) -> dict[str, Any]:
        return {
            "ctx": new_context_state(),
            "lk_ctx": new_likelihood_state(),
            "lk_val": new_likelihood_state(),
            "recent": [],
            "past": [],
        }

    def _score(
        self, t: TimeInfo, x: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        out = np.zeros((4, len(x)))
        for i, v in enumerate(x):
            out[:, i] = self._step(float(v))
        return out[0], out[1], out[2], out[3]

    def _step(self, v: float) -> tuple[float, float, float, float]:
        p, st = self.params, self.state
        if not math.isfinite(v):
            return 0.0, v, v, v
        lk = {k: p[k] for k in ("short", "memory", "min_std", "decades")}
        raw_ctx = context_step(st["ctx"], v, p["warmup"], p["levels"], max_order=p["max_order"])
        s_ctx = likelihood_step(st["lk_ctx"], raw_ctx, **lk, warmup=p["warmup"])
        raw_val, mid, half = self._surprise(v)
        s_val = likelihood_step(st["lk_val"], raw_val, **lk, warmup=p["warmup"])
        combined = max(s_ctx, s_val) if p["use_surprise"] else s_ctx
        return self._rest(combined), mid, mid - half, mid + half

    def _surprise(self, v: float) -> tuple[float, float, float]:
        """Robust z of ``v`` vs the last ``window`` values → (raw score, median, band)."""
        recent = self.state["recent"]
        if len(recent) < 4:
            recent.append(v)
            return 0.0, v, 0.0
        arr = np.asarray(recent)
        med = float(np.median(arr))
        mad = float(np.median(np.abs(arr - med))) * 1.4826
        scale = max(mad, 1e-3 * max(abs(med), 1e-9), 1e-9)
        z = abs(v - med) / scale
        recent.append(v)
        if len(recent) > self.params["window"]:
            del recent[0]
        return z / (z + 3.0), med, 4.0 * scale

    def _rest(self, s: float) -> float:
        """Pass ``s`` only if it beats the last ``rest`` combined scores, else damp it."""
        past = self.state["past"]
        out = s if not past or s > max(past) else s * self.params["damp"]
        past.append(s)
        if len(past) > self.params["rest"]:
            del past[0]
        return out
