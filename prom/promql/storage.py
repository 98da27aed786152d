"""The storage interface the engine reads from, and an in-memory implementation.

A backend implements :class:`Storage`: ``select(matchers, start_ms, end_ms)`` returns the
series whose labels satisfy every matcher (a missing label matches as ""), each with its
samples between ``start_ms`` and ``end_ms`` inclusive (returning more is allowed: the
engine trims, and re-checks the matchers, so a backend may push down only some of them —
e.g. name equality and label equality in SQL — and leave the regexes to the engine).

Staleness markers (Prometheus's "this series ended" samples) are stored in ``values`` as
the special NaN bit pattern Prometheus uses, ``0x7ff0000000000002`` (:data:`STALE_NAN`).
A backend that keeps a separate boolean column produces it with :func:`with_stale_markers`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .matchers import LabelMatcher, matches_all

STALE_NAN_BITS = 0x7FF0000000000002
STALE_NAN: float = float(np.array([STALE_NAN_BITS], dtype=np.uint64).view(np.float64)[0])


def stale_mask(values: np.ndarray) -> np.ndarray:
    """True where a value is a staleness marker (not for ordinary NaN values)."""
    return np.ascontiguousarray(values, dtype=np.float64).view(np.uint64) == STALE_NAN_BITS


def with_stale_markers(values: np.ndarray, stale: np.ndarray) -> np.ndarray:
    """A float64 copy of ``values`` with the positions where ``stale`` is true marked stale."""
    out = np.array(values, dtype=np.float64)
    out.view(np.uint64)[np.asarray(stale, dtype=bool)] = STALE_NAN_BITS
    return out


def normalise(timestamps: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Samples sorted by time, one per millisecond (the last one written wins): what the
    engine needs, from e.g. microsecond timestamps divided by 1000."""
    ts = np.asarray(timestamps, dtype=np.int64)
    vals = np.asarray(values, dtype=np.float64)
    if len(ts) < 2 or bool((ts[1:] > ts[:-1]).all()):
        return ts, vals
    order = np.argsort(ts, kind="stable")
    ts, vals = ts[order], vals[order]
    last = np.r_[ts[1:] != ts[:-1], True]
    return ts[last], vals[last]


@dataclass(frozen=True)
class SeriesData:
    """One series: labels (``__name__`` included) and its samples in time order.

    ``timestamps``: int64 milliseconds, increasing (the engine sorts and de-duplicates
    with :func:`normalise` when they are not). ``values``: float64, with staleness
    markers as :data:`STALE_NAN`.
    """

    labels: Mapping[str, str]
    timestamps: np.ndarray
    values: np.ndarray


def split_rows(
    labels_by_id: Mapping[int, Mapping[str, str]],
    series_ids: np.ndarray,
    timestamps: np.ndarray,
    values: np.ndarray,
) -> list[SeriesData]:
    """One SQL result ordered by (series id, time) -> one :class:`SeriesData` per series.

    ``series_ids``/``timestamps``/``values`` are the result's columns (timestamps in ms);
    series of ``labels_by_id`` without rows are returned empty (they still exist).
    """
    ids = np.asarray(series_ids, dtype=np.int64)
    ts = np.asarray(timestamps, dtype=np.int64)
    vals = np.asarray(values, dtype=np.float64)
    out = []
    for sid, labels in labels_by_id.items():
        lo, hi = np.searchsorted(ids, sid, "left"), np.searchsorted(ids, sid, "right")
        out.append(SeriesData(labels, ts[lo:hi], vals[lo:hi]))
    return out


class Storage(Protocol):
    """What the engine needs from a time-series store."""

    def select(
        self, matchers: Sequence[LabelMatcher], start_ms: int, end_ms: int
    ) -> Iterable[SeriesData]: ...


class MemoryStorage:
    """Series held in numpy arrays, indexed by metric name (tests, benchmarks, the CLI)."""

    def __init__(self, series: Iterable[SeriesData] = ()) -> None:
        self._by_name: dict[str, list[SeriesData]] = {}
        for s in series:
            self.add(s.labels, s.timestamps, s.values)

    def add(self, labels: Mapping[str, str], timestamps, values) -> None:
        if np.shape(timestamps) != np.shape(values):
            raise ValueError("timestamps and values differ in length")
        ts, vals = normalise(timestamps, values)
        clean = {k: v for k, v in labels.items() if v != ""}
        series = SeriesData(clean, ts, vals)
        self._by_name.setdefault(clean.get("__name__", ""), []).append(series)

    @classmethod
    def from_samples(cls, series: Iterable[tuple[Mapping[str, str], Sequence]]) -> MemoryStorage:
        """From ``(labels, [(timestamp_ms, value | "stale"), ...])`` pairs."""
        store = cls()
        for labels, samples in series:
            ts = np.array([t for t, _ in samples], dtype=np.int64)
            vals = np.array([STALE_NAN if v == "stale" else float(v) for _, v in samples])
            store.add(labels, ts, vals)
        return store

    def select(
        self, matchers: Sequence[LabelMatcher], start_ms: int, end_ms: int
    ) -> list[SeriesData]:
        out = []
        for series in self._candidates(matchers):
            if not matches_all(matchers, series.labels):
                continue
            lo = np.searchsorted(series.timestamps, start_ms, side="left")
            hi = np.searchsorted(series.timestamps, end_ms, side="right")
            out.append(SeriesData(series.labels, series.timestamps[lo:hi], series.values[lo:hi]))
        return out

    def _candidates(self, matchers: Sequence[LabelMatcher]) -> Iterable[SeriesData]:
        for m in matchers:
            if m.name == "__name__" and m.op == "=":
                return self._by_name.get(m.value, [])
        return (s for group in self._by_name.values() for s in group)
