"""Counters' per-second rate (pure numpy, no Django): what detection and forecasting see
of a ``counter`` series instead of its ever-growing total.

``counter_rate`` works like Prometheus' ``rate()`` between two consecutive samples:
``(v_t - v_prev) / (t - t_prev)``; when the value goes down the counter was reset (a
restart), so the increase since the reset is ``v_t`` itself. Used by
``alerts.detectors.transform`` (scheduled anomaly detection) and by the query layer's
``rate`` aggregation that forecasting reads, and by the overview's sparklines.
"""

from __future__ import annotations

from typing import Any

import numpy as np

COUNTED_SUFFIXES = ("_bucket", "_sum", "_count")


def is_counter(kind: str, name: str) -> bool:
    """Charted as a counter: type ``counter``, or the ``_bucket``, ``_sum`` or ``_count``
    series of a histogram or summary (counters in Prometheus's model; charts.js
    ``counting`` is the same rule)."""
    return kind == "counter" or (
        kind in ("histogram", "summary") and name.endswith(COUNTED_SUFFIXES)
    )


def counter_rate(
    seconds: Any, values: Any, previous: tuple[float, float] | None = None
) -> np.ndarray:
    """Per-second rate at every point of a counter (same length as ``values``).

    ``seconds`` are epoch seconds. A point's rate uses the last earlier point with a
    finite value: ``previous`` (seconds, value) is that point for the first one, so a
    series processed in chunks gets the same rates as in one call; without it the first
    rate is NaN. A point that is not later than the point before it, or whose value is
    not finite, gets NaN. A decrease is a counter reset: the increase is the value.
    """
    t = np.asarray(seconds, dtype=float).reshape(-1)
    x = np.asarray(values, dtype=float).reshape(-1)
    if len(t) != len(x):
        raise ValueError(f"{len(t)} timestamps for {len(x)} values")
    if previous is None:
        return _rates(t, x)
    return _rates(np.r_[float(previous[0]), t], np.r_[float(previous[1]), x])[1:]


def increase(previous: Any, current: Any) -> np.ndarray:
    """A counter's increase from ``previous`` to ``current``, element-wise: the difference,
    or ``current`` itself where the value went down (a reset)."""
    dv = np.asarray(current, dtype=float) - np.asarray(previous, dtype=float)
    return np.where(dv < 0, current, dv)


def _rates(t: np.ndarray, x: np.ndarray) -> np.ndarray:
    ok = np.isfinite(x) & np.isfinite(t)
    last_ok = np.maximum.accumulate(np.where(ok, np.arange(len(x)), -1))
    prev = np.r_[-1, last_ok[:-1]] if len(x) else last_ok
    has = ok & (prev >= 0)
    p = np.maximum(prev, 0)
    dt = t - t[p]
    dv = increase(x[p], x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(has & (dt > 0), dv / np.where(dt > 0, dt, 1.0), np.nan)
