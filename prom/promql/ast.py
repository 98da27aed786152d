"""Parse PromQL with ``promql_parser`` and turn its AST into small frozen dataclasses.

The engine evaluates these nodes; converting once keeps the evaluator independent of the
Rust-backed objects (and works around their quirks: a negative ``@`` timestamp makes the
parser's ``.at`` getter panic, so it is read from the node's debug text instead).
Parentheses are dropped. Only the Prometheus v2.42 function set is accepted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import promql_parser as pp

from .errors import BadDataError
from .matchers import LabelMatcher

AGGREGATIONS = frozenset(
    [
        "sum",
        "avg",
        "min",
        "max",
        "count",
        "group",
        "stddev",
        "stdvar",
        "topk",
        "bottomk",
        "quantile",
        "count_values",
    ]
)
SET_OPS = frozenset({"and", "or", "unless"})
COMPARISONS = frozenset({"==", "!=", ">", "<", ">=", "<="})
# Prometheus v2.42's functions and their return types (all others return an instant vector).
FUNCTIONS = frozenset(
    [
        "abs",
        "absent",
        "absent_over_time",
        "acos",
        "acosh",
        "asin",
        "asinh",
        "atan",
        "atanh",
        "avg_over_time",
        "ceil",
        "changes",
        "clamp",
        "clamp_max",
        "clamp_min",
        "cos",
        "cosh",
        "count_over_time",
        "day_of_month",
        "day_of_week",
        "day_of_year",
        "days_in_month",
        "deg",
        "delta",
        "deriv",
        "exp",
        "floor",
        "histogram_count",
        "histogram_fraction",
        "histogram_quantile",
        "histogram_sum",
        "holt_winters",
        "hour",
        "idelta",
        "increase",
        "irate",
        "label_join",
        "label_replace",
        "last_over_time",
        "ln",
        "log10",
        "log2",
        "max_over_time",
        "min_over_time",
        "minute",
        "month",
        "pi",
        "predict_linear",
        "present_over_time",
        "quantile_over_time",
        "rad",
        "rate",
        "resets",
        "round",
        "scalar",
        "sgn",
        "sin",
        "sinh",
        "sort",
        "sort_desc",
        "sqrt",
        "stddev_over_time",
        "stdvar_over_time",
        "sum_over_time",
        "tan",
        "tanh",
        "time",
        "timestamp",
        "vector",
        "year",
    ]
)
SCALAR_FUNCTIONS = frozenset({"pi", "scalar", "time"})
_MATCH_OPS = {"Equal": "=", "NotEqual": "!=", "Re": "=~", "NotRe": "!~"}
_CARDS = {
    "OneToOne": "one-to-one",
    "ManyToOne": "many-to-one",
    "OneToMany": "one-to-many",
    "ManyToMany": "many-to-many",
}
_SYSTEM_TIME = re.compile(r"tv_sec: (-?\d+),\s*tv_nsec: (\d+)")


@dataclass(frozen=True)
class At:
    """An ``@`` modifier: a fixed time (``ms``) or the query's ``start()`` / ``end()``."""

    kind: str  # "at", "start" or "end"
    ms: int = 0


@dataclass(frozen=True)
class NumberLit:
    value: float


@dataclass(frozen=True)
class StringLit:
    value: str


@dataclass(frozen=True)
class Selector:
    matchers: tuple[LabelMatcher, ...]
    offset_ms: int = 0
    at: At | None = None


@dataclass(frozen=True)
class MatrixSel:
    selector: Selector
    range_ms: int


@dataclass(frozen=True)
class Subquery:
    expr: Node
    range_ms: int
    step_ms: int  # 0: the engine's default subquery step
    offset_ms: int = 0
    at: At | None = None


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Aggregate:
    op: str
    expr: Node
    param: Node | None
    grouping: tuple[str, ...]
    without: bool


@dataclass(frozen=True)
class Matching:
    """Vector matching of a binary operation between two instant vectors."""

    card: str  # one-to-one, many-to-one, one-to-many, many-to-many
    on: bool
    labels: tuple[str, ...]
    include: tuple[str, ...]


@dataclass(frozen=True)
class Binary:
    op: str
    lhs: Node
    rhs: Node
    matching: Matching
    return_bool: bool


@dataclass(frozen=True)
class Negate:
    expr: Node


Node = NumberLit | StringLit | Selector | MatrixSel | Subquery | Call | Aggregate | Binary | Negate

_registered = False


def _register_v2_functions() -> None:
    """holt_winters is v2's name for double_exponential_smoothing, unknown to the parser."""
    global _registered
    if not _registered:
        vt = pp.ValueType
        fn = pp.Function("holt_winters", [vt.Matrix, vt.Scalar, vt.Scalar], vt.Vector)
        with contextlib.suppress(ValueError):  # registered already (module reloaded)
            pp.register_extra_functions([fn])
        _registered = True


def parse(query: str) -> Node:
    """Parse a PromQL expression. Raises :class:`BadDataError` on any syntax or type error."""
    _register_v2_functions()
    try:
        expr = pp.parse(query)
    except ValueError as exc:
        raise BadDataError(f"parse error: {exc}") from None
    except BaseException as exc:  # the Rust parser panics on some inputs
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise BadDataError(f"parse error: {exc}") from None
    return convert(expr)


def convert(expr: Any) -> Node:
    kind = type(expr).__name__
    handler = _CONVERTERS.get(kind)
    if handler is None:
        raise BadDataError(f"unsupported expression {kind}")
    return handler(expr)


def _ms(delta: dt.timedelta | None) -> int:
    return 0 if delta is None else delta // dt.timedelta(milliseconds=1)


def _at(node: Any) -> At | None:
    at = node.at
    if at is None:
        return None
    if at.type == pp.AtModifierType.Start:
        return At("start")
    if at.type == pp.AtModifierType.End:
        return At("end")
    found = _SYSTEM_TIME.findall(repr(node))
    total_ns = int(found[-1][0]) * 1_000_000_000 + int(found[-1][1])
    ms = (abs(total_ns) + 500_000) // 1_000_000  # Go's math.Round: half away from zero
    if ms >= 2**62:
        raise BadDataError(
            f"parse error: timestamp out of bounds for @ modifier: {total_ns / 1e9:f}"
        )
    return At("at", ms if total_ns >= 0 else -ms)


def _selector(vs: Any) -> Selector:
    if vs.matchers.or_matchers:
        raise BadDataError("parse error: 'or' in label matchers needs Prometheus 3")
    matchers = [
        LabelMatcher(m.name, _MATCH_OPS[str(m.op).rsplit(".", 1)[-1]], m.value)
        for m in vs.matchers.matchers
    ]
    if vs.name is not None and not any(m.name == "__name__" for m in matchers):
        matchers.insert(0, LabelMatcher("__name__", "=", vs.name))
    return Selector(tuple(matchers), _ms(vs.offset), _at(vs))


def _matrix(ms: Any) -> MatrixSel:
    return MatrixSel(_selector(ms.vector_selector), _ms(ms.range))


def _subquery(sq: Any) -> Subquery:
    return Subquery(convert(sq.expr), _ms(sq.range), _ms(sq.step), _ms(sq.offset), _at(sq))


def _call(call: Any) -> Call:
    name = call.func.name
    if name not in FUNCTIONS:
        raise BadDataError(f"parse error: unknown function with name {name!r}")
    return Call(name, tuple(convert(a) for a in call.args))


def _aggregate(agg: Any) -> Aggregate:
    op = str(agg.op).lower()
    if op not in AGGREGATIONS:
        raise BadDataError(f"parse error: unknown aggregation {op!r}")
    param = None if agg.param is None else convert(agg.param)
    mod = agg.modifier
    without = mod is not None and mod.type == pp.AggModifierType.Without
    grouping = tuple(mod.labels) if mod is not None else ()
    return Aggregate(op, convert(agg.expr), param, grouping, without)


def _binary(expr: Any) -> Binary:
    op = str(expr.op).lower()
    mod = expr.modifier
    default_card = "many-to-many" if op in SET_OPS else "one-to-one"
    if mod is None:
        matching = Matching(default_card, False, (), ())
        return Binary(op, convert(expr.lhs), convert(expr.rhs), matching, False)
    card = _CARDS[str(mod.card).rsplit(".", 1)[-1]]
    on = mod.matching is not None and mod.matching.type == pp.LabelModifierType.Include
    names = tuple(mod.matching.labels) if mod.matching is not None else ()
    matching = Matching(card, on, names, tuple(mod.group_labels or ()))
    return Binary(op, convert(expr.lhs), convert(expr.rhs), matching, bool(mod.return_bool))


_CONVERTERS: dict[str, Any] = {
    "NumberLiteral": lambda e: NumberLit(float(e.val)),
    "StringLiteral": lambda e: StringLit(e.val),
    "VectorSelector": _selector,
    "MatrixSelector": _matrix,
    "SubqueryExpr": _subquery,
    "Call": _call,
    "AggregateExpr": _aggregate,
    "BinaryExpr": _binary,
    "UnaryExpr": lambda e: Negate(convert(e.expr)),
    "ParenExpr": lambda e: convert(e.expr),
}


def value_type(node: Node) -> str:
    """ "scalar", "vector" (instant vector), "matrix" (range vector) or "string"."""
    if isinstance(node, NumberLit):
        return "scalar"
    if isinstance(node, StringLit):
        return "string"
    if isinstance(node, MatrixSel | Subquery):
        return "matrix"
    if isinstance(node, Call):
        return "scalar" if node.name in SCALAR_FUNCTIONS else "vector"
    if isinstance(node, Negate):
        return value_type(node.expr)
    if isinstance(node, Binary):
        both_scalar = value_type(node.lhs) == value_type(node.rhs) == "scalar"
        return "scalar" if both_scalar else "vector"
    return "vector"
