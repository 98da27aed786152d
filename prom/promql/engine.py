"""The engine: instant and range queries over a :class:`Storage`, with limits and a timeout.

Every node of the expression is evaluated once for all the steps of the query (an array of
evaluation times); nodes under a subquery are evaluated at the subquery's own steps.
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass

import numpy as np

from . import aggregations, binops, functions, selectors
from . import labels as lbl
from .ast import (
    Aggregate,
    At,
    Binary,
    Call,
    MatrixSel,
    Negate,
    Node,
    NumberLit,
    Selector,
    StringLit,
    Subquery,
    parse,
    value_type,
)
from .errors import BadDataError, QueryTimeoutError, TooManySamplesError
from .format import result_data, result_json, result_rows
from .storage import Storage
from .values import Matrix, Scalar, String, Value, Vector, check_unique

# A range query is evaluated this many steps at a time (steps are independent in PromQL):
# Grafana asks for at most ~2,000 points per series, which then take one pass.
STEP_CHUNK = 2_000
TYPE_NAMES = {"vector": "instant vector", "matrix": "range vector", "scalar": "scalar"}


@dataclass(frozen=True)
class EngineOptions:
    """Prometheus's defaults except where Hydra needs a bound of its own."""

    lookback_ms: int = 5 * 60_000
    subquery_step_ms: int = 60_000  # Prometheus: the global evaluation interval
    max_samples: int = 50_000_000  # Prometheus's --query.max-samples
    max_series_per_selector: int = 100_000
    timeout_s: float = 120.0  # Prometheus's --query.timeout
    max_points_per_series: int = 11_000  # Prometheus's API limit on (end-start)/step


@dataclass
class QueryResult:
    """A query's value at its evaluation times; :meth:`data` is the API's ``data`` object."""

    value: Value
    times: np.ndarray
    is_range: bool

    def data(self) -> dict:
        return result_data(self.value, self.times, self.is_range)

    def json(self) -> str:
        """:meth:`data` as JSON text, written like Prometheus writes it (fast)."""
        return result_json(self.value, self.times, self.is_range)

    def series(self) -> list[tuple[dict[str, str], np.ndarray, np.ndarray]]:
        """Each result series as (labels, timestamps in ms, values), in the API's order.

        An instant query gives one point per series (a scalar: one series without labels);
        a string result gives no series.
        """
        if isinstance(self.value, String):
            return []
        _, rows = result_rows(self.value, self.times, self.is_range)
        return [(dict(labels), ts, values) for labels, ts, values in rows]


def join_steps(parts: list[Value]) -> Value:
    """Put the results of consecutive step chunks side by side (series joined by labels)."""
    if isinstance(parts[0], Scalar):
        return Scalar(np.concatenate([p.values for p in parts if isinstance(p, Scalar)]))
    vectors = [p for p in parts if isinstance(p, Vector)]
    rows: dict[lbl.Labels, int] = {}
    for vec in vectors:
        for labels in vec.labels:
            rows.setdefault(labels, len(rows))
    total = sum(v.present.shape[1] for v in vectors)
    values, present = np.zeros((len(rows), total)), np.zeros((len(rows), total), dtype=bool)
    column = 0
    for vec in vectors:
        width = vec.present.shape[1]
        index = np.fromiter((rows[x] for x in vec.labels), np.int64, len(vec))
        values[index, column : column + width] = vec.values
        present[index, column : column + width] = vec.present
        column += width
    return Vector(list(rows), values, present)


class Evaluator:
    """One query's evaluation: storage access, sample accounting and the deadline."""

    def __init__(self, storage: Storage, options: EngineOptions, start_ms: int, end_ms: int):
        self.storage = storage
        self.options = options
        self.start_ms = start_ms
        self.end_ms = end_ms
        self.deadline = _time.monotonic() + options.timeout_s
        self.samples = 0

    def check_deadline(self) -> None:
        if _time.monotonic() > self.deadline:
            raise QueryTimeoutError()

    def account(self, samples: int) -> None:
        self.samples += samples
        if self.samples > self.options.max_samples:
            raise TooManySamplesError()

    def check_size(self, series: int, steps: int) -> None:
        """Refuse (series x steps) arrays bigger than the sample limit before allocating."""
        if series * steps > self.options.max_samples:
            raise TooManySamplesError()

    def at_times(self, at: At | None, times: np.ndarray) -> np.ndarray:
        if at is None:
            return times
        ms = {"start": self.start_ms, "end": self.end_ms}.get(at.kind, at.ms)
        return np.full(len(times), ms, dtype=np.int64)

    def eval(self, node: Node, times: np.ndarray) -> Value:
        self.check_deadline()
        if isinstance(node, NumberLit):
            return Scalar(np.full(len(times), node.value))
        if isinstance(node, StringLit):
            return String(node.value)
        if isinstance(node, Selector):
            return selectors.vector_selector(self, node, times)
        if isinstance(node, MatrixSel):
            return selectors.matrix_selector(self, node, times)
        if isinstance(node, Subquery):
            return selectors.subquery(self, node, times)
        if isinstance(node, Negate):
            return self._negate(node, times)
        if isinstance(node, Binary):
            return binops.evaluate(self, node, times)
        if isinstance(node, Aggregate):
            return aggregations.evaluate(self, node, times)
        if isinstance(node, Call):
            return functions.evaluate(self, node, times)
        raise BadDataError(f"unsupported expression {type(node).__name__}")

    def eval_vector(self, node: Node, times: np.ndarray) -> Vector:
        value = self.eval(node, times)
        assert isinstance(value, Vector), type(value)
        return value

    def eval_scalar(self, node: Node, times: np.ndarray) -> Scalar:
        value = self.eval(node, times)
        assert isinstance(value, Scalar), type(value)
        return value

    def _negate(self, node: Negate, times: np.ndarray) -> Scalar | Vector:
        value = self.eval(node.expr, times)
        if isinstance(value, Scalar):
            return Scalar(-value.values)
        assert isinstance(value, Vector)
        out = Vector([lbl.drop_name(x) for x in value.labels], -value.values, value.present)
        check_unique(out)
        return out


class Engine:
    """Evaluate PromQL over a storage. Thread-safe: each query has its own evaluator."""

    def __init__(self, storage: Storage, options: EngineOptions | None = None) -> None:
        self.storage = storage
        self.options = options or EngineOptions()

    def instant_query(self, query: str, time_ms: int) -> QueryResult:
        node = parse(query)
        times = np.array([time_ms], dtype=np.int64)
        value = self._run(node, times, time_ms, time_ms)
        return QueryResult(value, times, is_range=False)

    def range_query(self, query: str, start_ms: int, end_ms: int, step_ms: int) -> QueryResult:
        node = self._range_node(query, start_ms, end_ms, step_ms)
        times = np.arange(start_ms, end_ms + 1, step_ms, dtype=np.int64)
        ev = Evaluator(self.storage, self.options, start_ms, end_ms)
        chunks = [times[i : i + STEP_CHUNK] for i in range(0, len(times), STEP_CHUNK)]
        parts = []
        for chunk in chunks:  # bounded memory, and the deadline checked between chunks
            parts.append(ev.eval(node, chunk))
            ev.check_deadline()
        value = parts[0] if len(parts) == 1 else join_steps(parts)
        if isinstance(value, Vector):
            ev.account(int(value.present.sum()))
        return QueryResult(value, times, is_range=True)

    def _range_node(self, query: str, start_ms: int, end_ms: int, step_ms: int) -> Node:
        if step_ms <= 0:
            raise BadDataError(
                "zero or negative query resolution step widths are not accepted. "
                "Try a positive integer"
            )
        if end_ms < start_ms:
            raise BadDataError("end timestamp must not be before start time")
        if (end_ms - start_ms) // step_ms > self.options.max_points_per_series:
            raise BadDataError(
                "exceeded maximum resolution of 11,000 points per timeseries. "
                "Try decreasing the query resolution (?step=XX)"
            )
        node = parse(query)
        kind = value_type(node)
        if kind not in ("scalar", "vector"):
            raise BadDataError(
                f'invalid expression type "{TYPE_NAMES.get(kind, kind)}" for range query, '
                "must be Scalar or instant Vector"
            )
        return node

    def _run(self, node: Node, times: np.ndarray, start_ms: int, end_ms: int) -> Value:
        ev = Evaluator(self.storage, self.options, start_ms, end_ms)
        value = ev.eval(node, times)
        if isinstance(value, Vector):
            ev.account(int(value.present.sum()))
        elif isinstance(value, Matrix):
            ev.account(int(value.counts.sum()))
        return value
