"""Aggregation operators (sum, avg, topk, quantile, count_values, …) with by/without,
computed for every step at once by reducing the rows of each group."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import labels as lbl
from .ast import Aggregate
from .errors import ExecutionError
from .folds import mean_skips
from .format import format_float
from .values import Scalar, String, Vector, group_rows

SEQUENTIAL_GROUP_LIMIT = 512

if TYPE_CHECKING:
    from .engine import Evaluator


def group_key(grouping: tuple[str, ...], without: bool):
    if without:
        names = set(grouping)
        return lambda labels: lbl.without(labels, names)
    kept = set(grouping)
    return lambda labels: lbl.keep(labels, kept)


def reduce_groups(ufunc: np.ufunc, arr: np.ndarray, gid: np.ndarray) -> np.ndarray:
    """``ufunc`` over the rows of each group, in row order (group ids are 0..G-1)."""
    order = np.argsort(gid, kind="stable")
    ordered = gid[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    with np.errstate(all="ignore"):
        return ufunc.reduceat(arr[order], starts, axis=0)


def evaluate(ev: Evaluator, node: Aggregate, times: np.ndarray) -> Vector:
    vec = ev.eval_vector(node.expr, times)
    param = None if node.param is None else ev.eval(node.param, times)
    if node.op == "count_values":
        assert isinstance(param, String)
        return count_values(vec, param.value, node)
    if len(vec) == 0:
        return Vector.empty(len(times))
    key = group_key(node.grouping, node.without)
    gid, groups = group_rows([key(x) for x in vec.labels])
    if node.op in ("topk", "bottomk"):
        assert isinstance(param, Scalar)
        return top_k(vec, gid, param.values, node.op == "topk")
    count = reduce_groups(np.add, vec.present.astype(np.int64), gid)
    if node.op == "quantile":
        assert isinstance(param, Scalar)
        values = group_quantile(vec, gid, count, param.values)
    else:
        values = _SIMPLE[node.op](vec, gid, count)
    return Vector(groups, values, count > 0).compact()


def _by_rank(gid: np.ndarray):
    """Rows in sequence within their groups: the k-th rows of all groups, for each k."""
    order = np.argsort(gid, kind="stable")
    ordered = gid[order]
    starts = np.r_[0, np.flatnonzero(ordered[1:] != ordered[:-1]) + 1]
    rank = np.arange(len(gid)) - np.repeat(starts, np.diff(np.r_[starts, len(gid)]))
    by_rank = order[np.argsort(rank, kind="stable")]
    for rows in np.split(by_rank, np.cumsum(np.bincount(rank))[:-1]):
        yield rows, gid[rows]


def _sequential(gid: np.ndarray) -> bool:
    """Small groups are folded row by row like Prometheus; big ones vectorised."""
    return len(gid) == 0 or int(np.bincount(gid).max()) <= SEQUENTIAL_GROUP_LIMIT


def _sum(vec: Vector, gid: np.ndarray, count: np.ndarray) -> np.ndarray:
    values = np.where(vec.present, vec.values, 0.0)
    if not _sequential(gid):
        return reduce_groups(np.add, values, gid)
    total = np.zeros(count.shape)
    for rows, g in _by_rank(gid):
        total[g] += values[rows]
    return total


def _avg(vec: Vector, gid: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Prometheus 2.42's running mean (it cannot overflow where a sum would)."""
    if not _sequential(gid):
        return _avg_vectorised(vec, gid, count)
    n, mean = np.zeros(count.shape), np.zeros(count.shape)
    with np.errstate(all="ignore"):
        for rows, g in _by_rank(gid):
            v, p = vec.values[rows], vec.present[rows]
            first = p & (n[g] == 0)
            n[g] += p
            old = mean[g]
            moved = old + (v / n[g] - old / n[g])
            keep = first | ~p | mean_skips(old, v)
            mean[g] = np.where(first, v, np.where(keep, old, moved))
    return mean


def _avg_vectorised(vec: Vector, gid: np.ndarray, count: np.ndarray) -> np.ndarray:
    total = reduce_groups(np.add, np.where(vec.present, vec.values, 0.0), gid)
    with np.errstate(all="ignore"):
        mean = total / count
        infinite = reduce_groups(np.add, vec.present & np.isinf(vec.values), gid)
        overflow = np.isinf(total) & (infinite == 0)
        if overflow.any():  # the sum overflowed, the mean need not: sum value/count instead
            parts = np.where(vec.present, vec.values / count[gid], 0.0)
            mean = np.where(overflow, reduce_groups(np.add, parts, gid), mean)
    return mean


def _extreme(ufunc: np.ufunc):
    def run(vec: Vector, gid: np.ndarray, count: np.ndarray) -> np.ndarray:
        return reduce_groups(ufunc, np.where(vec.present, vec.values, np.nan), gid)

    return run


def _welford(vec: Vector, gid: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Population variance by Welford's updates in row order, as Prometheus computes it."""
    n, mean, m2 = np.zeros(count.shape), np.zeros(count.shape), np.zeros(count.shape)
    with np.errstate(all="ignore"):
        for rows, g in _by_rank(gid):
            v, p = vec.values[rows], vec.present[rows]
            first = p & (n[g] == 0)
            n[g] += p
            delta = v - mean[g]
            new_mean = np.where(first, v, np.where(p, mean[g] + delta / n[g], mean[g]))
            m2[g] = np.where(first, 0.0, np.where(p, m2[g] + delta * (v - new_mean), m2[g]))
            mean[g] = new_mean
        return m2 / n


_SIMPLE = {
    "sum": _sum,
    "avg": _avg,
    "count": lambda vec, gid, count: count.astype(np.float64),
    "group": lambda vec, gid, count: np.ones(count.shape),
    "min": _extreme(np.fmin),
    "max": _extreme(np.fmax),
    "stdvar": _welford,
    "stddev": lambda vec, gid, count: np.sqrt(_welford(vec, gid, count)),
}


def _sorted_by_group(
    vec: Vector, gid: np.ndarray, key: np.ndarray, nan_first: bool = False
) -> np.ndarray:
    """Row order per step: by group, then NaN first or last, then ``key``; absent rows last."""
    nan_class = np.where(np.isnan(vec.values), 0, 1) if nan_first else np.isnan(vec.values)
    cls = np.where(vec.present, nan_class, 2)
    return np.lexsort((key, cls, np.broadcast_to(gid[:, None], key.shape)), axis=0)


def top_k(vec: Vector, gid: np.ndarray, k_steps: np.ndarray, largest: bool) -> Vector:
    """topk / bottomk: keeps the chosen input series (labels unchanged) at each step."""
    if (np.isnan(k_steps) | (np.abs(k_steps) >= 2.0**63)).any():
        bad = k_steps[np.isnan(k_steps) | (np.abs(k_steps) >= 2.0**63)][0]
        raise ExecutionError(f"Scalar value {format_float(float(bad))} overflows int64")
    k = np.trunc(k_steps)
    key = -vec.values if largest else vec.values
    order = _sorted_by_group(vec, gid, key)
    sizes = np.bincount(gid)
    group_start = np.r_[0, np.cumsum(sizes)[:-1]]
    rank = np.empty(order.shape, dtype=np.int64)
    np.put_along_axis(rank, order, np.arange(len(gid))[:, None] - group_start[gid[order]], axis=0)
    chosen = vec.present & (rank < k[None, :])
    out = Vector(vec.labels, vec.values, chosen).compact()
    if out.present.shape[1] == 1 and len(out):  # instant query: groups in order, best first
        kept = np.flatnonzero(chosen.any(axis=1))
        order = np.lexsort((rank[kept, 0], gid[kept]))
        out = out.take(order)
    return out


def group_quantile(vec: Vector, gid: np.ndarray, count: np.ndarray, q: np.ndarray) -> np.ndarray:
    order = _sorted_by_group(vec, gid, vec.values, nan_first=True)
    ordered = np.take_along_axis(vec.values, order, axis=0)
    sizes = np.bincount(gid)
    start = np.r_[0, np.cumsum(sizes)[:-1]][:, None]
    n = count.astype(np.float64)
    with np.errstate(all="ignore"):
        rank = q[None, :] * (n - 1)
        lower = np.maximum(0, np.floor(rank))
        upper = np.minimum(n - 1, lower + 1)
        weight = rank - np.floor(rank)
        usable = ~np.isnan(rank) & (n > 0) & (q[None, :] >= 0) & (q[None, :] <= 1)
        lo_i = start + np.where(usable, lower, 0).astype(np.int64)
        up_i = start + np.where(usable, upper, 0).astype(np.int64)
        low = np.take_along_axis(ordered, lo_i, axis=0)
        high = np.take_along_axis(ordered, up_i, axis=0)
        result = low * (1 - weight) + high * weight
    result = np.where(np.isnan(rank), np.nan, result)
    result = np.where(q[None, :] < 0, -np.inf, result)
    return np.where(q[None, :] > 1, np.inf, result)


def count_values(vec: Vector, label: str, node: Aggregate) -> Vector:
    """Count the series having each distinct value, the value going into ``label``."""
    if not lbl.valid_name(label):
        raise ExecutionError(f"invalid label name {label!r}")
    steps = vec.present.shape[1]
    rows, cols = np.nonzero(vec.present)
    if len(rows) == 0:
        return Vector.empty(steps)
    uniq, inv = np.unique(vec.values[rows, cols], return_inverse=True)
    texts = [format_float(float(u)) for u in uniq]
    grouping = node.grouping if node.without else (*node.grouping, label)
    key = group_key(grouping, node.without)
    pair_ids, pairs = group_rows(list(zip(rows.tolist(), inv.tolist(), strict=True)))
    keys = [key(lbl.setting(vec.labels[r], label, texts[u])) for r, u in pairs]
    gid, groups = group_rows(keys)
    counts = np.zeros((len(groups), steps))
    np.add.at(counts, (gid[pair_ids], cols), 1.0)
    return Vector(groups, counts, counts > 0).compact()
