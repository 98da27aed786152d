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
from .windows import ceil_to, window_bounds

if TYPE_CHECKING:
    from .engine import Evaluator


@dataclass
class Fetched:
    """Series from storage, sorted by labels, each trimmed to the wanted time range."""

    labels: list[lbl.Labels]
    parts: list[tuple[np.ndarray, np.ndarray]]  # (timestamps, values) per series

    def concat(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(timestamps, values, offsets) of all series one after the other."""
        sizes = [len(ts) for ts, _ in self.parts]
        offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        if not self.parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0), offsets
        ts = np.concatenate([ts for ts, _ in self.parts])
        return ts, np.concatenate([v for _, v in self.parts]), offsets


def _trim(ts: np.ndarray, vals: np.ndarray, start_ms: int, end_ms: int):
    if len(ts) and (ts[0] < start_ms or ts[-1] > end_ms):
        lo, hi = np.searchsorted(ts, start_ms, "left"), np.searchsorted(ts, end_ms, "right")
        return ts[lo:hi], vals[lo:hi]
    return ts, vals


def fetch(ev: Evaluator, sel: Selector, start_ms: int, end_ms: int) -> Fetched:
    found = []
    for s in ev.storage.select(list(sel.matchers), start_ms, end_ms):
        if matches_all(sel.matchers, s.labels):
            found.append((lbl.from_mapping(s.labels), s))
    limit = ev.options.max_series_per_selector
    if len(found) > limit:
        raise TooManySeriesError(f"a selector matched {len(found)} series, more than {limit}")
    found.sort(key=lambda pair: pair[0])
    parts = []
    for _, s in found:
        parts.append(_trim(*normalise(s.timestamps, s.values), start_ms, end_ms))
    ev.account(sum(len(ts) for ts, _ in parts))
    ev.check_deadline()
    return Fetched([pair[0] for pair in found], parts)


def vector_selector(ev: Evaluator, sel: Selector, times: np.ndarray) -> Vector:
    """The latest sample at or before each step within the lookback window, unless stale."""
    refs = ev.at_times(sel.at, times) - sel.offset_ms
    lookback = ev.options.lookback_ms
    data = fetch(ev, sel, int(refs.min()) - lookback, int(refs.max())) if len(refs) else None
    if data is None or not data.parts:
        return Vector.empty(len(times))
    shape = (len(data.parts), len(refs))
    ev.check_size(*shape)
    values, stamps = np.zeros(shape), np.zeros(shape, dtype=np.int64)
    present = np.zeros(shape, dtype=bool)
    oldest = refs - lookback
    for i, (ts, vals) in enumerate(data.parts):
        if len(ts):
            idx = np.searchsorted(ts, refs, "right") - 1
            found = idx >= 0
            np.maximum(idx, 0, out=idx)
            stamps[i], values[i] = ts[idx], vals[idx]
            present[i] = found & (stamps[i] >= oldest)
    present &= ~stale_mask(values)
    ev.account(int(present.sum()))
    return Vector(data.labels, values, present, stamps).compact()


def _drop_stale(ts: np.ndarray, vals: np.ndarray, offsets: np.ndarray):
    """Range selectors skip staleness markers."""
    stale = stale_mask(vals)
    if not stale.any():
        return ts, vals, offsets
    keep = ~stale
    kept_before = np.concatenate([[0], np.cumsum(keep, dtype=np.int64)])
    return ts[keep], vals[keep], kept_before[offsets]


def matrix_selector(ev: Evaluator, node: MatrixSel, times: np.ndarray) -> Matrix:
    """Samples in ``[t - offset - range, t - offset]`` at each step, staleness markers skipped."""
    sel = node.selector
    ends = ev.at_times(sel.at, times) - sel.offset_ms
    starts = ends - node.range_ms
    data = fetch(ev, sel, int(starts.min()), int(ends.max())) if len(ends) else Fetched([], [])
    ev.check_size(len(data.parts), len(ends))
    ts, vals, offsets = _drop_stale(*data.concat())
    lo, hi = window_bounds(ts, offsets, starts, ends)
    return Matrix(data.labels, ts, vals, offsets, ends, node.range_ms, lo, hi)


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
