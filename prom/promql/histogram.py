"""``histogram_quantile`` over classic histograms (``_bucket`` series with an ``le`` label),
for every histogram and step at once: buckets are laid out in a (histogram, bucket, step)
array, those absent at a step are moved to the back, then Prometheus's interpolation runs."""

from __future__ import annotations

import numpy as np

from . import labels as lbl
from .values import Vector, group_rows, merge_same_labels


def parse_go_float(text: str) -> float | None:
    """Go's ``strconv.ParseFloat``: no spaces or underscores; hex floats allowed."""
    if not text or text != text.strip() or "_" in text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    if text.lower().lstrip("+-").startswith("0x"):
        try:
            return float.fromhex(text)
        except ValueError:
            return None
    return None


def _buckets(vec: Vector):
    rows, bounds, keys = [], [], []
    for i, labels in enumerate(vec.labels):
        bound = parse_go_float(lbl.get(labels, "le"))
        if bound is not None:
            rows.append(i)
            bounds.append(bound)
            keys.append(lbl.delete(labels, ("le",)))
    return np.array(rows, dtype=np.int64), np.array(bounds, dtype=np.float64), keys


def _layout(gid: np.ndarray, bounds: np.ndarray):
    """Each row's (histogram, coalesced bucket position) and the (G, B) upper bounds."""
    order = np.lexsort((bounds, gid))
    g, b = gid[order], bounds[order]
    new = np.r_[True, (g[1:] != g[:-1]) | (b[1:] != b[:-1])]
    bucket = np.empty(len(order), dtype=np.int64)
    bucket[order] = np.cumsum(new) - 1
    first_of_group = np.full(int(gid.max()) + 1, np.iinfo(np.int64).max)
    np.minimum.at(first_of_group, gid, bucket)
    pos = bucket - first_of_group[gid]
    upper = np.full((len(first_of_group), int(pos.max()) + 1), np.nan)
    upper[gid, pos] = bounds
    return pos, upper


def histogram_quantile(vec: Vector, q: np.ndarray) -> Vector:
    steps = vec.present.shape[1]
    rows, bounds, keys = _buckets(vec)
    if len(rows) == 0:
        return Vector.empty(steps)
    gid, groups = group_rows(keys)
    pos, upper = _layout(gid, bounds)
    shape = (len(groups), upper.shape[1], steps)
    counts, present = np.zeros(shape), np.zeros(shape, dtype=np.int64)
    values = np.where(vec.present[rows], vec.values[rows], 0.0)
    if len(np.unique(gid * shape[1] + pos)) == len(rows):  # one series per bucket
        counts[gid, pos] = values
        present[gid, pos] = vec.present[rows]
    else:  # the same bound written differently ("0.2", "2e-1"): coalesce them
        np.add.at(counts, (gid, pos), values)
        np.add.at(present, (gid, pos), vec.present[rows])
    result = _quantiles(upper, counts, present > 0, q)
    out = Vector([lbl.drop_name(g) for g in groups], result, np.asarray((present > 0).any(axis=1)))
    return merge_same_labels(out.compact())


def _at(arr: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``arr[g, index[g, t], t]`` for an index of shape (G, T)."""
    return np.take_along_axis(arr, np.clip(index, 0, arr.shape[1] - 1)[:, None, :], axis=1)[:, 0]


def _quantiles(upper: np.ndarray, counts: np.ndarray, present: np.ndarray, q: np.ndarray):
    order = np.argsort(~present, axis=1, kind="stable")  # present buckets first, by bound
    ub = np.take_along_axis(np.broadcast_to(upper[:, :, None], counts.shape), order, axis=1)
    cnt = np.take_along_axis(counts, order, axis=1)
    n = present.sum(axis=1)
    position = np.arange(cnt.shape[1])[None, :, None]
    usable = (position < n[:, None, :]) & ~np.isnan(cnt)
    running = np.maximum.accumulate(np.where(usable, cnt, -np.inf), axis=1)
    cnt = np.where(np.isnan(cnt), np.nan, running)  # ensureMonotonic
    last = n - 1
    observations = _at(cnt, last)
    with np.errstate(all="ignore"):
        rank = q[None, :] * observations
        found = (cnt >= rank[:, None, :]) & (position < last[:, None, :])
        b = np.where(found.any(axis=1), found.argmax(axis=1), last)
        ub_b, ub_prev = _at(ub, b), _at(ub, b - 1)
        c_b, c_prev = _at(cnt, b), _at(cnt, b - 1)
        start = np.where(b > 0, ub_prev, 0.0)
        below = np.where(b > 0, c_prev, 0.0)
        value = start + (ub_b - start) * ((rank - below) / (c_b - below))
    value = np.where((b == 0) & (ub_b <= 0), ub_b, value)
    value = np.where(b == last, _at(ub, last - 1), value)
    bad = (n < 2) | (_at(ub, last) != np.inf) | (observations == 0)
    value = np.where(bad, np.nan, value)
    qq = np.broadcast_to(q[None, :], value.shape)
    value = np.where(qq < 0, -np.inf, np.where(qq > 1, np.inf, value))
    return np.where(np.isnan(qq), np.nan, value)
