"""Series transforms applied before detection (pure numpy, never imports Django).

``counter_rate``: a counter (a total that only grows, like ``http_requests_total``) is
not watched as is — its value always rises, so every new point looks like a new level.
What moves is its per-second rate, computed as Prometheus' ``rate()`` does between two
consecutive samples: ``(v_t - v_prev) / (t - t_prev)``, and when the value goes down the
counter was reset (a restart), so the increase since the reset is ``v_t`` itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .base import to_time_info


def epoch_seconds(timestamps: Sequence[Any] | np.ndarray) -> np.ndarray:
    """Float epoch seconds of datetimes / datetime64 / numbers (numbers are seconds)."""
    arr = np.asarray(timestamps) if not isinstance(timestamps, np.ndarray) else timestamps
    if arr.dtype.kind in "iuf":
        return arr.astype(float).reshape(-1)
    return to_time_info(timestamps).epoch


def counter_rate(
    timestamps: Sequence[Any] | np.ndarray,
    values: Any,
    previous: tuple[Any, float] | None = None,
) -> np.ndarray:
    """Per-second rate at every point of a counter (same length as ``values``).

    A point's rate uses the last earlier point with a finite value: ``previous``
    (timestamp, value) is that point for the first one, so a series scored in chunks gets
    the same rates as in one call; without it the first rate is NaN. A point that is not
    later than the point before it, or whose value is not finite, gets NaN (detectors
    score NaN as "no evidence"). A decrease is a counter reset: the increase is the value.
    """
    t = epoch_seconds(timestamps)
    x = np.asarray(values, dtype=float).reshape(-1)
    if len(t) != len(x):
        raise ValueError(f"{len(t)} timestamps for {len(x)} values")
    skip = 0
    if previous is not None:
        t = np.r_[epoch_seconds([previous[0]]), t]
        x = np.r_[float(previous[1]), x]
        skip = 1
    return _rates(t, x)[skip:]


def _rates(t: np.ndarray, x: np.ndarray) -> np.ndarray:
    ok = np.isfinite(x) & np.isfinite(t)
    last_ok = np.maximum.accumulate(np.where(ok, np.arange(len(x)), -1))
    prev = np.r_[-1, last_ok[:-1]] if len(x) else last_ok
    has = ok & (prev >= 0)
    p = np.maximum(prev, 0)
    dt = t - t[p]
    dv = x - x[p]
    dv = np.where(dv < 0, x, dv)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(has & (dt > 0), dv / np.where(dt > 0, dt, 1.0), np.nan)
