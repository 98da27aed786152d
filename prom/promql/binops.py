"""Binary operators: arithmetic, comparisons (filters or ``bool``), set operators, and
vector matching with on/ignoring/group_left/group_right, for all steps at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import labels as lbl
from .ast import COMPARISONS, SET_OPS, Binary, Matching
from .errors import ExecutionError
from .values import Scalar, Vector, group_rows, merge_same_labels, sum_by_group

if TYPE_CHECKING:
    from .engine import Evaluator

DROPS_NAME = frozenset({"+", "-", "*", "/", "%", "^"})
_ARITH = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
    "%": np.fmod,
    "^": np.power,
    "atan2": np.arctan2,
}
_COMPARE = {
    "==": np.equal,
    "!=": np.not_equal,
    ">": np.greater,
    "<": np.less,
    ">=": np.greater_equal,
    "<=": np.less_equal,
}


def apply(op: str, lhs: np.ndarray, rhs: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """(value, keep): arithmetic gives keep=None; a comparison keeps the left value."""
    with np.errstate(all="ignore"):
        if op in _COMPARE:
            return np.broadcast_arrays(lhs, rhs)[0], _COMPARE[op](lhs, rhs)
        return _ARITH[op](lhs, rhs), None


def evaluate(ev: Evaluator, node: Binary, times: np.ndarray) -> Scalar | Vector:
    lhs, rhs = ev.eval(node.lhs, times), ev.eval(node.rhs, times)
    if isinstance(lhs, Scalar) and isinstance(rhs, Scalar):
        value, keep = apply(node.op, lhs.values, rhs.values)
        return Scalar(value if keep is None else keep.astype(np.float64))
    if isinstance(rhs, Scalar):
        assert isinstance(lhs, Vector)
        return _vector_scalar(node, lhs, rhs.values, swap=False)
    assert isinstance(rhs, Vector)
    if isinstance(lhs, Scalar):
        return _vector_scalar(node, rhs, lhs.values, swap=True)
    assert isinstance(lhs, Vector)
    if node.op in SET_OPS:
        return _set_op(node.op, lhs, rhs, node.matching)
    return _vector_vector(node, lhs, rhs)


def _vector_scalar(node: Binary, vec: Vector, scalar: np.ndarray, swap: bool) -> Vector:
    left, right = (scalar[None, :], vec.values) if swap else (vec.values, scalar[None, :])
    value, keep = apply(node.op, left, right)
    present = vec.present
    if keep is not None:
        value = vec.values  # a comparison filters but keeps the vector's value
        if node.return_bool:
            value = keep.astype(np.float64)
        else:
            present = present & keep
    labels = vec.labels
    if node.op in DROPS_NAME or node.return_bool:
        labels = [lbl.drop_name(x) for x in labels]
    out = Vector(labels, np.broadcast_to(value, vec.values.shape).copy(), present)
    return merge_same_labels(out.compact())


def signature(matching: Matching):
    """The key two series must share to match: the ``on`` labels' values, or all labels
    but the ``ignoring`` ones and the metric name."""
    if matching.on:
        names = sorted(set(matching.labels))
        return lambda labels: tuple(lbl.get(labels, n) for n in names)
    ignored = set(matching.labels)
    return lambda labels: lbl.without(labels, ignored)


def _sig_ids(lhs: Vector, rhs: Vector, matching: Matching) -> tuple[np.ndarray, np.ndarray, int]:
    sig = signature(matching)
    index: dict = {}
    left = np.array([index.setdefault(sig(x), len(index)) for x in lhs.labels], dtype=np.int64)
    right = np.array([index.setdefault(sig(x), len(index)) for x in rhs.labels], dtype=np.int64)
    return left, right, len(index)


def _any_by_group(present: np.ndarray, ids: np.ndarray, groups: int) -> np.ndarray:
    return sum_by_group(present, ids, groups)


def _set_op(op: str, lhs: Vector, rhs: Vector, matching: Matching) -> Vector:
    left, right, groups = _sig_ids(lhs, rhs, matching)
    if op == "or":
        taken = _any_by_group(lhs.present, left, groups) > 0
        extra = rhs.present & ~taken[right]
        labels = lhs.labels + rhs.labels
        values = np.concatenate([lhs.values, rhs.values])
        present = np.concatenate([lhs.present, extra])
        return merge_same_labels(Vector(labels, values, present).compact())
    matched = _any_by_group(rhs.present, right, groups)[left] > 0
    present = lhs.present & (matched if op == "and" else ~matched)
    return Vector(lhs.labels, lhs.values, present).compact()


def _check_one_side(rhs: Vector, right: np.ndarray, matching: Matching, groups: int) -> None:
    counts = _any_by_group(rhs.present, right, groups)
    if (counts > 1).any():
        side = "left" if matching.card == "one-to-many" else "right"
        sid = int(np.argwhere(counts > 1)[0][0])
        rows = [lbl.to_text(rhs.labels[i]) for i in np.flatnonzero(right == sid)[:2]]
        raise ExecutionError(
            f"found duplicate series for the match group on the {side} hand-side of the "
            f"operation: [{', '.join(rows)}];many-to-many matching not allowed: matching "
            "labels must be unique on one side"
        )


def _result_labels(node: Binary, left: lbl.Labels, right: lbl.Labels) -> lbl.Labels:
    m = node.matching
    out = lbl.drop_name(left) if node.op in DROPS_NAME else left
    if m.card == "one-to-one":
        out = lbl.keep(out, m.labels) if m.on else lbl.delete(out, m.labels)
    for name in m.include:
        out = lbl.setting(out, name, lbl.get(right, name))
    return lbl.drop_name(out) if node.return_bool else out


def _pairs(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    by_sig: dict[int, list[int]] = {}
    for j, s in enumerate(right.tolist()):
        by_sig.setdefault(s, []).append(j)
    li, ri = [], []
    for i, s in enumerate(left.tolist()):
        for j in by_sig.get(s, ()):
            li.append(i)
            ri.append(j)
    return np.array(li, dtype=np.int64), np.array(ri, dtype=np.int64)


def _vector_vector(node: Binary, lhs: Vector, rhs: Vector) -> Vector:
    swap = node.matching.card == "one-to-many"
    many, one = (rhs, lhs) if swap else (lhs, rhs)
    left, right, groups = _sig_ids(many, one, node.matching)
    _check_one_side(one, right, node.matching, groups)
    li, ri = _pairs(left, right)
    lv, rv = many.values[li], one.values[ri]
    value, keep = apply(node.op, rv, lv) if swap else apply(node.op, lv, rv)
    present = many.present[li] & one.present[ri]
    if keep is not None:
        if node.return_bool:
            value = keep.astype(np.float64)
        else:
            present = present & keep
    labels = [
        _result_labels(node, many.labels[i], one.labels[j]) for i, j in zip(li, ri, strict=True)
    ]
    _check_matches(node, left[li], labels, present, groups)
    return merge_same_labels(Vector(labels, value, present).compact())


def _check_matches(
    node: Binary, sigs: np.ndarray, labels: list[lbl.Labels], present: np.ndarray, groups: int
) -> None:
    if node.matching.card == "one-to-one":
        if (_any_by_group(present, sigs, groups) > 1).any():
            raise ExecutionError(
                "multiple matches for labels: many-to-one matching must be explicit "
                "(group_left/group_right)"
            )
        return
    keyed = [(int(s), x) for s, x in zip(sigs, labels, strict=True)]
    ids, unique = group_rows(keyed)
    if (_any_by_group(present, ids, len(unique)) > 1).any():
        raise ExecutionError(
            "multiple matches for labels: grouping labels must ensure unique matches"
        )


__all__ = ["COMPARISONS", "apply", "evaluate", "signature"]
