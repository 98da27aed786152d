"""Values flowing through the evaluator, each held for every evaluation step at once.

A range query evaluates each node once for all T steps: an instant vector is an (N, T)
array of values plus an (N, T) presence mask (Prometheus evaluates step by step; a row
absent at a step is a series missing from that step's vector). Rows keep Prometheus's
output order, which matters for instant queries (``topk``, ``sort``).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from .errors import ExecutionError
from .labels import Labels

K = TypeVar("K", bound=Hashable)
DUPLICATE_LABELSET = "vector cannot contain metrics with the same labelset"


@dataclass
class Scalar:
    values: np.ndarray  # (T,)


@dataclass
class String:
    value: str


@dataclass
class Vector:
    """An instant vector at every step. ``sample_ts`` is set by selectors only."""

    labels: list[Labels]
    values: np.ndarray  # (N, T) float64
    present: np.ndarray  # (N, T) bool
    sample_ts: np.ndarray | None = None  # (N, T) int64 ms of the selected samples

    @classmethod
    def empty(cls, steps: int) -> Vector:
        return cls([], np.zeros((0, steps)), np.zeros((0, steps), dtype=bool))

    def __len__(self) -> int:
        return len(self.labels)

    def take(self, rows: np.ndarray | list[int]) -> Vector:
        rows = np.asarray(rows, dtype=np.int64)
        ts = None if self.sample_ts is None else self.sample_ts[rows]
        labels = [self.labels[i] for i in rows]
        return Vector(labels, self.values[rows], self.present[rows], ts)

    def compact(self) -> Vector:
        """Drop the rows absent at every step."""
        keep = self.present.any(axis=1)
        return self if keep.all() else self.take(np.flatnonzero(keep))

    def with_labels(self, labels: list[Labels]) -> Vector:
        return Vector(labels, self.values, self.present)


@dataclass
class Matrix:
    """A range vector: each series' samples (concatenated) and its window at every step.

    Series ``i`` owns samples ``offsets[i]:offsets[i+1]`` of ``ts``/``vals``; at step ``t``
    its window is samples ``lo[i, t]:hi[i, t]`` (global indices), the samples in
    ``[ends[t] - range_ms, ends[t]]``.
    """

    labels: list[Labels]
    ts: np.ndarray
    vals: np.ndarray
    offsets: np.ndarray
    ends: np.ndarray  # (T,)
    range_ms: int
    lo: np.ndarray  # (N, T)
    hi: np.ndarray  # (N, T)

    @property
    def counts(self) -> np.ndarray:
        return self.hi - self.lo


Value = Scalar | String | Vector | Matrix


def group_rows(keys: Sequence[K]) -> tuple[np.ndarray, list[K]]:
    """Row -> group id by key (a label set), groups numbered in order of first appearance."""
    index: dict[K, int] = {}
    ids = np.fromiter((index.setdefault(k, len(index)) for k in keys), np.int64, len(keys))
    return ids, list(index)


def sum_by_group(arr: np.ndarray, ids: np.ndarray, groups: int) -> np.ndarray:
    """Row sums per group id: (groups, T); a group without rows sums to 0 (sort +
    ``reduceat``: several times faster than ``np.add.at`` on 2-D arrays)."""
    out = np.zeros((groups, *arr.shape[1:]), dtype=np.result_type(arr.dtype, np.int64))
    if len(ids):
        order = np.argsort(ids, kind="stable")
        ordered = ids[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        out[ordered[starts]] = np.add.reduceat(arr[order], starts, axis=0)
    return out


def merge_same_labels(vec: Vector, message: str = DUPLICATE_LABELSET) -> Vector:
    """Join rows with equal labels (a series present at different steps); two of them
    present at the same step is an error, as in Prometheus's per-step evaluation."""
    ids, unique = group_rows(vec.labels)
    if len(unique) == len(vec):
        return vec
    counts = sum_by_group(vec.present, ids, len(unique))
    if (counts > 1).any():
        raise ExecutionError(message)
    values = sum_by_group(np.where(vec.present, vec.values, 0.0), ids, len(unique))
    return Vector(unique, values, counts > 0)


def check_unique(vec: Vector, message: str = DUPLICATE_LABELSET) -> None:
    """Prometheus checks some results as a whole: no two series may share labels."""
    if len(set(vec.labels)) != len(vec):
        raise ExecutionError(message)
