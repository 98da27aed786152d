"""Series transforms applied before detection (pure numpy, never imports Django).

``counter_rate``: a counter (a total that only grows, like ``http_requests_total``) is
not watched as is — its value always rises, so every new point looks like a new level.
What moves is its per-second rate, computed as Prometheus' ``rate()`` does between two
consecutive samples: ``(v_t - v_prev) / (t - t_prev)``, and when the value goes down the
counter was reset (a restart), so the increase since the reset is ``v_t`` itself. The
arithmetic is ``metrics.counters`` (pure numpy), shared with forecasting.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from metrics.counters import counter_rate as rate_of

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
    """Per-second rate at every point of a counter (same length as ``values``); timestamps
    as datetimes, datetime64 or epoch seconds. See ``metrics.counters.counter_rate``."""
    prev = None if previous is None else (float(epoch_seconds([previous[0]])[0]), previous[1])
    return rate_of(epoch_seconds(timestamps), values, prev)
