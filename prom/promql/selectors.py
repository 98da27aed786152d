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
from .storage import stale_mask
from .values import Matrix, Vector
from .windows import ceil_to, search, window_bounds

if TYPE_CHECKING:
    from .engine import Evaluator


@dataclass
class Fetched:
    """Series from storage, sorted by labels, samples concatenated."""

    labels: list[lbl.Labels]
    ts: np.ndarray
    vals: np.ndarray
    offsets: np.ndarray


def fetch(ev: Evaluator, sel: Selector, start_ms: int, end_ms: int) -> Fetched:
    found = []
    for s in ev.storage.select(list(sel.matchers), start_ms, end_ms):
        if matches_all(sel.matchers, s.labels):
            found.append((lbl.from_mapping(s.labels), s))
    limit = ev.options.max_series_per_selector
    if len(found) > limit:
        raise TooManySeriesError(f"a selector matched {len(found)} series, more than {limit}")
    found.sort(key=lambda pair: pair[0])
    parts_ts, parts_vals = [], []
    for _, s in found:
        ts = np.asarray(s.timestamps, dtype=np.int64)
        lo, hi = np.searchsorted(ts, start_ms, "left"), np.searchsorted(ts, end_ms, "right")
        parts_ts.append(ts[lo:hi])
        parts_vals.append(np.asarray(s.values, dtype=np.float64)[lo:hi])
    sizes = [len(p) for p in parts_ts]
    ev.account(sum(sizes))
    offsets = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)]).astype(np.int64)
    ts_all = np.concatenate(parts_ts) if parts_ts else np.zeros(0, dtype=np.int64)
    vals_all = np.concatenate(parts_vals) if parts_vals else np.zeros(0)
    return Fetched([pair[0] for pair in found], ts_all, vals_all, offsets)


def vector_selector(ev: Evaluator, sel: Selector, times: np.ndarray) -> Vector:
    """The latest sample at or before each step within the lookback window, unless stale."""
    refs = ev.at_times(sel.at, times) - sel.offset_ms
    if len(refs) == 0:
        return Vector.empty(0)
    lookback = ev.options.lookback_ms
    data = fetch(ev, sel, int(refs.min()) - lookback, int(refs.max()))
    if len(data.ts) == 0:
        return Vector.empty(len(times))
    idx = search(data.ts, data.offsets, refs, "right") - 1
    ok = idx >= data.offsets[:-1, None]
    idx = np.where(ok, idx, 0)
    sample_ts = data.ts[idx]
    ok &= sample_ts >= refs[None, :] - lookback
    ok &= ~stale_mask(data.vals)[idx]
    return Vector(data.labels, data.vals[idx], ok, sample_ts).compact()


def _drop_stale(data: Fetched) -> Fetched:
    stale = stale_mask(data.vals)
    if not stale.any():
        return data
    keep = ~stale
    kept_before = np.concatenate([[0], np.cumsum(keep, dtype=np.int64)])
    return Fetched(data.labels, data.ts[keep], data.vals[keep], kept_before[data.offsets])


def matrix_selector(ev: Evaluator, node: MatrixSel, times: np.ndarray) -> Matrix:
    """Samples in ``[t - offset - range, t - offset]`` at each step, staleness markers skipped."""
    sel = node.selector
    ends = ev.at_times(sel.at, times) - sel.offset_ms
    starts = ends - node.range_ms
    if len(ends) == 0:
        data = Fetched([], np.zeros(0, np.int64), np.zeros(0), np.zeros(1, np.int64))
    else:
        data = _drop_stale(fetch(ev, sel, int(starts.min()), int(ends.max())))
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
