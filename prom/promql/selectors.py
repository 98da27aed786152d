"""Selecting series from storage: instant vector selectors (lookback, staleness), range
vector selectors and subqueries, for every evaluation step at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from . import labels as lbl
from .ast import MatrixSel, Selector, Subquery
from .errors import TooManySeriesError
from .matchers import matches_all
from .storage import normalise, stale_mask
from .values import Matrix, Vector
from .windows import ceil_to, search, window_bounds

if TYPE_CHECKING:
    from .engine import Evaluator


@dataclass
class Fetched:
    """Series from storage sorted by labels; their samples (in the wanted time range)
    concatenated: series ``i`` owns ``ts[offsets[i]:offsets[i+1]]``."""

    labels: list[lbl.Labels]
    ts: np.ndarray
    vals: np.ndarray
    offsets: np.ndarray

    @classmethod
    def empty(cls) -> Fetched:
        return cls([], np.zeros(0, np.int64), np.zeros(0), np.zeros(1, np.int64))

    def keep(self, mask: np.ndarray) -> Fetched:
        """Only the samples where ``mask`` is true."""
        if mask.all():
            return self
        kept_before = np.concatenate([[0], np.cumsum(mask, dtype=np.int64)])
        return Fetched(self.labels, self.ts[mask], self.vals[mask], kept_before[self.offsets])


def _concat(ts_parts: list[np.ndarray], val_parts: list[np.ndarray]) -> Fetched:
    """Concatenate series' samples; sort / de-duplicate the (rare) series that need it."""
    if not ts_parts:
        return Fetched.empty()
    offsets = np.zeros(len(ts_parts) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in ts_parts], out=offsets[1:])
    ts = np.concatenate(ts_parts)
    unordered = np.flatnonzero(ts[1:] <= ts[:-1]) + 1  # not after the sample before it
    if not set(unordered.tolist()) <= set(offsets[1:-1].tolist()):  # inside a series
        fixed = [normalise(t, v) for t, v in zip(ts_parts, val_parts, strict=True)]
        return _concat([t for t, _ in fixed], [v for _, v in fixed])
    return Fetched([], ts, np.concatenate(val_parts), offsets)


def fetch(ev: Evaluator, sel: Selector, start_ms: int, end_ms: int) -> Fetched:
    found = []
    for s in ev.storage.select(list(sel.matchers), start_ms, end_ms):
        if matches_all(sel.matchers, s.labels):
            found.append((lbl.from_mapping(s.labels), s))
    limit = ev.options.max_series_per_selector
    if len(found) > limit:
        raise TooManySeriesError(f"a selector matched {len(found)} series, more than {limit}")
    found.sort(key=lambda pair: pair[0])
    data = _concat(
        [np.asarray(s.timestamps, dtype=np.int64) for _, s in found],
        [np.asarray(s.values, dtype=np.float64) for _, s in found],
    )
    data.labels = [pair[0] for pair in found]
    data = data.keep((data.ts >= start_ms) & (data.ts <= end_ms))
    ev.account(len(data.ts))
    ev.check_deadline()
    return data


def vector_selector(ev: Evaluator, sel: Selector, times: np.ndarray) -> Vector:
    """The latest sample at or before each step within the lookback window, unless stale."""
    refs = ev.at_times(sel.at, times) - sel.offset_ms
    lookback = ev.options.lookback_ms
    data = fetch(ev, sel, int(refs.min()) - lookback, int(refs.max())) if len(refs) else None
    if data is None or len(data.ts) == 0:
        return Vector.empty(len(times))
    ev.check_size(len(data.labels), len(refs))
    idx = search(data.ts, data.offsets, refs, "right") - 1
    present = idx >= data.offsets[:-1, None]  # else the sample belongs to the series before
    np.maximum(idx, 0, out=idx)
    stamps, values = data.ts[idx], data.vals[idx]
    present &= (stamps >= (refs - lookback)[None, :]) & ~stale_mask(values)
    ev.account(int(present.sum()))
    return Vector(data.labels, values, present, stamps).compact()


def matrix_selector(ev: Evaluator, node: MatrixSel, times: np.ndarray) -> Matrix:
    """Samples in ``[t - offset - range, t - offset]`` at each step, staleness markers skipped."""
    sel = node.selector
    ends = ev.at_times(sel.at, times) - sel.offset_ms
    starts = ends - node.range_ms
    data = fetch(ev, sel, int(starts.min()), int(ends.max())) if len(ends) else Fetched.empty()
    ev.check_size(len(data.labels), len(ends))
    data = data.keep(~stale_mask(data.vals))  # range selectors skip staleness markers
    lo, hi = window_bounds(data.ts, data.offsets, starts, ends)
    return Matrix(data.labels, data.ts, data.vals, data.offsets, ends, node.range_ms, lo, hi)


def subquery(ev: Evaluator, node: Subquery, times: np.ndarray) -> Matrix:
    """Evaluate the inner expression at multiples of the step covering every window."""
    ends = ev.at_times(node.at, times) - node.offset_ms
    step = node.step_ms or ev.options.subquery_step_ms
    if len(ends):
        first = ceil_to(int(ends.min()) - node.range_ms, step)
        inner_times = np.arange(first, int(ends.max()) + 1, step, dtype=np.int64)
    else:
        inner_times = np.zeros(0, dtype=np.int64)
    inner = ev.eval_vector(node.expr, inner_times)
    rows, cols = np.nonzero(inner.present)
    ev.account(len(rows))
    counts = np.bincount(rows, minlength=len(inner))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    ts, vals = inner_times[cols], inner.values[rows, cols]
    lo, hi = window_bounds(ts, offsets, ends - node.range_ms, ends)
    return Matrix(list(inner.labels), ts, vals, offsets, ends, node.range_ms, lo, hi)
