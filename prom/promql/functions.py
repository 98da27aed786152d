"""Function calls: dispatch to the range-vector functions, and the instant-vector and scalar
functions (math, clamping, time and date, labels, sorting, absent, histograms)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from . import labels as lbl
from .ast import Call, MatrixSel, Node, Selector, StringLit, Subquery
from .histogram import histogram_quantile
from .labelfuncs import label_join, label_replace
from .overtime import OVER_TIME, quantile_over_time
from .rangefuncs import RATE_FUNCTIONS, holt_winters, predict_linear
from .timefuncs import DATE_FUNCTIONS, date_function
from .values import Matrix, Scalar, Value, Vector, check_unique, merge_same_labels

if TYPE_CHECKING:
    from .engine import Evaluator

MATH: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "abs": np.abs,
    "ceil": np.ceil,
    "floor": np.floor,
    "exp": np.exp,
    "sqrt": np.sqrt,
    "ln": np.log,
    "log2": np.log2,
    "log10": np.log10,
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "asin": np.arcsin,
    "acos": np.arccos,
    "atan": np.arctan,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "tanh": np.tanh,
    "asinh": np.arcsinh,
    "acosh": np.arccosh,
    "atanh": np.arctanh,
    "deg": lambda v: v * 180 / math.pi,
    "rad": lambda v: v * math.pi / 180,
    "sgn": np.sign,
}


def evaluate(ev: Evaluator, node: Call, times: np.ndarray) -> Value:
    name = node.name
    if any(isinstance(a, MatrixSel | Subquery) for a in node.args):
        return _range_call(ev, node, times)
    if name in MATH:
        vec = ev.eval_vector(node.args[0], times)
        with np.errstate(all="ignore"):
            return _unnamed(vec, MATH[name](vec.values))
    if name in DATE_FUNCTIONS:
        arg = ev.eval_vector(node.args[0], times) if node.args else None
        return date_function(name, arg, times)
    return _HANDLERS[name](ev, node, times)


def _unnamed(vec: Vector, values: np.ndarray, present: np.ndarray | None = None) -> Vector:
    """The usual result of a function: new values, metric name dropped."""
    present = vec.present if present is None else present
    out = Vector([lbl.drop_name(x) for x in vec.labels], values, present).compact()
    return merge_same_labels(out)


def _range_call(ev: Evaluator, node: Call, times: np.ndarray) -> Vector:
    index = next(i for i, a in enumerate(node.args) if isinstance(a, MatrixSel | Subquery))
    m = ev.eval(node.args[index], times)
    assert isinstance(m, Matrix)
    scalars = [ev.eval_scalar(a, times).values for i, a in enumerate(node.args) if i != index]
    if node.name == "absent_over_time":
        return _absent_result(node.args[0], np.asarray((m.counts > 0).any(axis=0)))
    values, present = _range_values(node.name, m, scalars, times)
    keep_name = node.name == "last_over_time"
    labels = m.labels if keep_name else [lbl.drop_name(x) for x in m.labels]
    vec = Vector(labels, values, present).compact()
    check_unique(vec)
    return vec


def _range_values(name: str, m: Matrix, scalars: list[np.ndarray], times: np.ndarray):
    if name in RATE_FUNCTIONS:
        return RATE_FUNCTIONS[name](m)
    if name in OVER_TIME:
        return OVER_TIME[name](m)
    if name == "quantile_over_time":
        return quantile_over_time(m, scalars[0])
    if name == "predict_linear":
        return predict_linear(m, scalars[0], times)
    return holt_winters(m, scalars[0], scalars[1])


def _absent_result(arg: Node, found: np.ndarray) -> Vector:
    """1 at the steps where nothing was found, labelled from the argument's matchers."""
    ones = np.ones((1, len(found)))
    return Vector([absent_labels(arg)], ones, ~found[None, :]).compact()


def absent_labels(node: Node) -> lbl.Labels:
    """Labels of absent()'s result: the arguments' equality matchers (not the name), except
    labels matched more than once or by another operator."""
    selector = node.selector if isinstance(node, MatrixSel) else node
    if not isinstance(selector, Selector):
        return ()
    out: dict[str, str] = {}
    dropped = set()
    for m in selector.matchers:
        if m.name == lbl.NAME:
            continue
        if m.op == "=" and m.name not in out:
            out[m.name] = m.value
        else:
            dropped.add(m.name)
    return lbl.from_mapping({k: v for k, v in out.items() if k not in dropped})


def _absent(ev: Evaluator, node: Call, times: np.ndarray) -> Vector:
    vec = ev.eval_vector(node.args[0], times)
    return _absent_result(node.args[0], np.asarray(vec.present.any(axis=0)))


def _scalars(ev: Evaluator, node: Call, times: np.ndarray, first: int) -> list[np.ndarray]:
    return [ev.eval_scalar(a, times).values for a in node.args[first:]]


def _round(ev: Evaluator, node: Call, times: np.ndarray) -> Vector:
    vec = ev.eval_vector(node.args[0], times)
    nearest = _scalars(ev, node, times, 1)[0] if len(node.args) > 1 else np.ones(len(times))
    with np.errstate(all="ignore"):
        inverse = 1.0 / nearest
        return _unnamed(vec, np.floor(vec.values * inverse + 0.5) / inverse)


def _clamp(ev: Evaluator, node: Call, times: np.ndarray) -> Vector:
    vec = ev.eval_vector(node.args[0], times)
    args = _scalars(ev, node, times, 1)
    if node.name == "clamp_min":
        return _unnamed(vec, np.maximum(args[0], vec.values))
    if node.name == "clamp_max":
        return _unnamed(vec, np.minimum(args[0], vec.values))
    low, high = args
    values = np.maximum(low, np.minimum(high, vec.values))
    return _unnamed(vec, values, vec.present & ~(high < low)[None, :])


def _timestamp(ev: Evaluator, node: Call, times: np.ndarray) -> Vector:
    vec = ev.eval_vector(node.args[0], times)
    if isinstance(node.args[0], Selector) and vec.sample_ts is not None:
        stamps = vec.sample_ts / 1000
    else:
        stamps = np.broadcast_to(times / 1000, vec.values.shape)
    return _unnamed(vec, np.array(stamps, dtype=np.float64))


def _scalar(ev: Evaluator, node: Call, times: np.ndarray) -> Scalar:
    vec = ev.eval_vector(node.args[0], times)
    one = vec.present.sum(axis=0) == 1
    total = np.where(vec.present, vec.values, 0.0).sum(axis=0)
    return Scalar(np.where(one, total, np.nan))


def _vector(ev: Evaluator, node: Call, times: np.ndarray) -> Vector:
    values = ev.eval_scalar(node.args[0], times).values
    return Vector([()], values[None, :].copy(), np.ones((1, len(times)), dtype=bool))


def _sort(ev: Evaluator, node: Call, times: np.ndarray) -> Vector:
    """Only an instant query's order is visible (range results are ordered by labels)."""
    vec = ev.eval_vector(node.args[0], times)
    if len(times) != 1 or len(vec) == 0:
        return vec
    v = vec.values[:, 0]
    key = v if node.name == "sort" else -v
    return vec.take(np.lexsort((key, np.isnan(v))))


def _histogram_quantile(ev: Evaluator, node: Call, times: np.ndarray) -> Vector:
    q = ev.eval_scalar(node.args[0], times).values
    return histogram_quantile(ev.eval_vector(node.args[1], times), q)


def _strings(node: Call, first: int) -> list[str]:
    out = []
    for a in node.args[first:]:
        assert isinstance(a, StringLit)
        out.append(a.value)
    return out


def _label_replace(ev: Evaluator, node: Call, times: np.ndarray) -> Vector:
    vec = ev.eval_vector(node.args[0], times)
    return label_replace(vec, *_strings(node, 1))


def _label_join(ev: Evaluator, node: Call, times: np.ndarray) -> Vector:
    vec = ev.eval_vector(node.args[0], times)
    dst, sep, *sources = _strings(node, 1)
    return label_join(vec, dst, sep, sources)


def _native_only(ev: Evaluator, node: Call, times: np.ndarray) -> Vector:
    """histogram_count/sum/fraction read native histograms, which Hydra does not store."""
    for a in node.args:
        ev.eval(a, times)
    return Vector.empty(len(times))


_HANDLERS: dict[str, Callable[[Evaluator, Call, np.ndarray], Value]] = {
    "absent": _absent,
    "round": _round,
    "clamp": _clamp,
    "clamp_min": _clamp,
    "clamp_max": _clamp,
    "timestamp": _timestamp,
    "time": lambda ev, node, times: Scalar(times / 1000),
    "pi": lambda ev, node, times: Scalar(np.full(len(times), math.pi)),
    "scalar": _scalar,
    "vector": _vector,
    "sort": _sort,
    "sort_desc": _sort,
    "histogram_quantile": _histogram_quantile,
    "label_replace": _label_replace,
    "label_join": _label_join,
    "histogram_count": _native_only,
    "histogram_sum": _native_only,
    "histogram_fraction": _native_only,
}
