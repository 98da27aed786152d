"""Chunk encoding, pure numpy + pcodec (no Django).

A chunk holds one series' points in one aligned window of ``WIDTH_US`` (6 h: 2,160 points
at 10 s; chosen by ``bench/storage_codecs.py``): the timestamps (µs, int64, strictly
increasing) and the values (float64, bit for bit: NaN payloads, ±Inf and -0.0 survive),
each compressed by pcodec, plus the statistics coarse queries use without decompressing.
Statistics follow PostgreSQL's float8 aggregates: NaN is greater than every number (so
``max`` is NaN when a NaN is present, ``min`` only when every value is NaN), and ``sum``
is NaN when any value is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pcodec
from pcodec import standalone

US = 1_000_000
WIDTH_US = 6 * 3600 * US
CONFIG = pcodec.ChunkConfig()


@dataclass(frozen=True)
class Encoded:
    start: int  # the window's start (µs, a multiple of WIDTH_US)
    count: int
    first_ts: int
    last_ts: int
    min: float
    max: float
    sum: float
    last: float
    ts_data: bytes
    value_data: bytes


def window_of(ts_us: int) -> int:
    return (ts_us // WIDTH_US) * WIDTH_US


def stats(values: np.ndarray) -> tuple[float, float, float]:
    """(min, max, sum) as PostgreSQL's MIN/MAX/SUM of float8 compute them."""
    nan = np.isnan(values)
    if nan.all():
        return float("nan"), float("nan"), float("nan")
    rest = values[~nan]
    high = float("nan") if nan.any() else float(rest.max())
    return float(rest.min()), high, float(values.sum())


def encode(ts: np.ndarray, values: np.ndarray) -> Encoded:
    """One window's points (sorted, distinct timestamps, all in the same window)."""
    ts = np.ascontiguousarray(ts, dtype=np.int64)
    values = np.ascontiguousarray(values, dtype=np.float64)
    if not len(ts) or len(ts) != len(values):
        raise ValueError("a chunk needs as many values as timestamps, at least one")
    if np.any(np.diff(ts) <= 0) or window_of(int(ts[0])) != window_of(int(ts[-1])):
        raise ValueError("chunk timestamps must increase strictly within one window")
    low, high, total = stats(values)
    return Encoded(
        start=window_of(int(ts[0])),
        count=len(ts),
        first_ts=int(ts[0]),
        last_ts=int(ts[-1]),
        min=low,
        max=high,
        sum=total,
        last=float(values[-1]),
        ts_data=standalone.simple_compress(ts, CONFIG),
        value_data=standalone.simple_compress(values, CONFIG),
    )


def decode(ts_data: bytes, value_data: bytes) -> tuple[np.ndarray, np.ndarray]:
    ts = standalone.simple_decompress(bytes(ts_data))
    values = standalone.simple_decompress(bytes(value_data))
    return np.asarray(ts, dtype=np.int64), np.asarray(values, dtype=np.float64)


def merge(
    old: tuple[np.ndarray, np.ndarray], new: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Points of ``old`` and ``new`` (each sorted, distinct), ``new`` winning on equal ts."""
    ts = np.concatenate((new[0], old[0]))
    values = np.concatenate((new[1], old[1]))
    order = np.argsort(ts, kind="stable")  # new first among equal timestamps
    ts, values = ts[order], values[order]
    keep = np.r_[True, ts[1:] != ts[:-1]]
    return ts[keep], values[keep]


def split_windows(ts: np.ndarray) -> list[tuple[int, int]]:
    """Index ranges [a, b) of sorted ``ts`` falling in the same window."""
    if not len(ts):
        return []
    windows = ts // WIDTH_US
    cuts = np.flatnonzero(windows[1:] != windows[:-1]) + 1
    edges = np.concatenate(([0], cuts, [len(ts)]))
    return list(zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True))
