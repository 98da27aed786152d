"""Vectorised validation of a compact-shape series' ``[[ts, value], ...]``.

Checks the whole list at once with numpy; returns None whenever any point needs the
careful per-point path (which then reports exactly what is wrong), so both paths accept
and refuse exactly the same points.
"""

from __future__ import annotations

from itertools import chain

import numpy as np

from metrics.ingest.rules import Window

NUMBERS = {int, float}


def _epoch_to_us(raw: list) -> np.ndarray | None:
    kinds = set(map(type, raw))
    if not kinds <= NUMBERS:
        return None
    if kinds == {int}:
        ts = np.asarray(raw, dtype=np.int64)  # exact, even for nanoseconds
        mag = np.abs(ts)
        return np.select(
            [mag < 10**11, mag < 10**14, mag < 10**17],
            [ts * 1_000_000, ts * 1_000, ts],
            ts // 1_000,
        )
    ts = np.asarray(raw, dtype=np.float64)
    if not np.isfinite(ts).all():
        return None
    mag = np.abs(ts)
    scaled = np.select([mag < 1e11, mag < 1e14, mag < 1e17], [ts * 1e6, ts * 1e3, ts], ts / 1e3)
    return np.round(scaled).astype(np.int64)


def _values(raw: list) -> np.ndarray | None:
    if not set(map(type, raw)) <= NUMBERS:  # bool is its own type: refused here
        return None
    values = np.asarray(raw, dtype=np.float64)
    return values if np.isfinite(values).all() else None


def points(raw_points: list, window: Window) -> tuple[list[int], list[float]] | None:
    """(timestamps in µs, values) when every point is valid, else None."""
    # map/set/chain loop in C: a generator expression per point cost ~1 µs each
    if set(map(type, raw_points)) - {list} or set(map(len, raw_points)) - {2}:
        return None
    flat = list(chain.from_iterable(raw_points))
    ts = _epoch_to_us(flat[0::2])
    values = _values(flat[1::2])
    if ts is None or values is None:
        return None
    if len(ts) and (ts.min() < window.oldest_us or ts.max() > window.newest_us):
        return None
    return ts.tolist(), values.tolist()
