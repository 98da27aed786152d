"""Index arithmetic over concatenated series: window bounds for every (series, step) at once,
and reductions over many windows without Python loops.

Series ``i`` of a concatenation owns ``ts[offsets[i]:offsets[i+1]]`` (sorted). To search all
series in one ``np.searchsorted`` call, each timestamp gets the key ``i * span + (t - base)``,
so keys are sorted across series too.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

Side = Literal["left", "right"]


def _keys(ts: np.ndarray, offsets: np.ndarray, base: int, span: int) -> np.ndarray:
    series = np.repeat(np.arange(len(offsets) - 1, dtype=np.int64), np.diff(offsets))
    return series * span + (ts - base)


def _layout(ts: np.ndarray, queries: np.ndarray) -> tuple[int, int]:
    lo = min(int(ts.min()) if len(ts) else 0, int(queries.min()) if len(queries) else 0)
    hi = max(int(ts.max()) if len(ts) else 0, int(queries.max()) if len(queries) else 0)
    return lo, hi - lo + 2


def _search_each(ts: np.ndarray, offsets: np.ndarray, queries: np.ndarray, side: Side):
    out = np.empty((len(offsets) - 1, len(queries)), dtype=np.int64)
    bounds = offsets.tolist()
    for i in range(len(bounds) - 1):
        lo, hi = bounds[i], bounds[i + 1]
        out[i] = np.searchsorted(ts[lo:hi], queries, side=side)
        out[i] += lo
    return out


def search(ts: np.ndarray, offsets: np.ndarray, queries: np.ndarray, side: Side) -> np.ndarray:
    """``np.searchsorted`` of the (T,) ``queries`` within each series: (N, T) global indices.

    Series by series when they are few or long (the loop then costs little); for many short
    series, in one call over keys that sort all series' samples together.
    """
    n = len(offsets) - 1
    if n == 0 or len(queries) == 0:
        return np.zeros((n, len(queries)), dtype=np.int64)
    base, span = _layout(ts, queries)
    if n < 2000 or len(ts) > 64 * n or span * (n + 1) >= 2**62:
        return _search_each(ts, offsets, queries, side)
    keys = _keys(ts, offsets, base, span)
    wanted = np.arange(n, dtype=np.int64)[:, None] * span + (queries - base)[None, :]
    return np.searchsorted(keys, wanted, side=side).astype(np.int64)


def window_bounds(
    ts: np.ndarray, offsets: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Windows ``[starts[t], ends[t]]`` (both ends included, as in Prometheus 2.x): one
    search for both edges (timestamps are integers: ``<= end`` is ``< end + 1``)."""
    both = search(ts, offsets, np.concatenate([starts, ends + 1]), "left")
    return both[:, : len(starts)], both[:, len(starts) :]


def window_reduce(ufunc: np.ufunc, arr: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``ufunc.reduce(arr[lo[k]:hi[k]])`` for every k; every window must be non-empty."""
    if len(lo) == 0:
        return np.zeros(0, dtype=arr.dtype)
    ext = np.append(arr, arr[:1] if len(arr) else np.zeros(1, arr.dtype))
    idx = np.empty(2 * len(lo), dtype=np.int64)
    idx[0::2] = lo
    idx[1::2] = hi
    return ufunc.reduceat(ext, idx)[0::2]


def gather(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flatten windows: (element index, window number, start of each window in the output)."""
    lengths = hi - lo
    starts = np.cumsum(lengths) - lengths
    total = int(lengths.sum())
    window = np.repeat(np.arange(len(lo), dtype=np.int64), lengths)
    element = np.arange(total, dtype=np.int64) - starts[window] + lo[window]
    return element, window, starts


def ceil_to(value: int, step: int) -> int:
    """The first multiple of ``step`` at or after ``value``."""
    return -(-value // step) * step
