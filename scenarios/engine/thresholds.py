"""Thresholds (SLOs) such as ``p95 < 300ms``: parsing and evaluation.

Grammar: ``METRIC OP VALUE[UNIT]``.

* latency metrics ``pNN`` (also ``p(NN)``, ``p99.9``), ``min``, ``max``, ``mean``
  (``avg``), ``med`` (= p50); units ``us``, ``ms`` (the default), ``s``, ``m``;
* ``error_rate`` with ``%`` (``error_rate < 1%``) or a bare fraction (``error_rate < 0.01``);
* ``rps`` (completed requests per second; optional ``/s`` or ``rps`` unit).

Operators: ``<``, ``<=``, ``>``, ``>=``, ``==``. Values are normalized to milliseconds,
fractions and req/s. A metric is looked up through a callable ``lookup(metric) -> float
| None``; ``None`` (no data, e.g. no request finished in the window) counts as passing.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

_PATTERN = re.compile(
    r"^\s*(?P<metric>[A-Za-z_]+|p\(?\d+(?:\.\d+)?\)?)\s*(?P<op><=|>=|==|<|>)\s*"
    r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[a-zµ/%]*)\s*$"
)
_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
}
_LATENCY_UNITS = {"": 1.0, "ms": 1.0, "us": 0.001, "µs": 0.001, "s": 1000.0, "m": 60_000.0}
_ALIASES = {"avg": "mean", "med": "p50", "errors": "error_rate", "err_rate": "error_rate"}
_KNOWN = "pNN (e.g. p95), min, max, mean, error_rate, rps"

Lookup = Callable[[str], float | None]


@dataclass(frozen=True)
class Threshold:
    """A parsed threshold; ``value`` is in ms (latency), a fraction (error_rate) or req/s."""

    expr: str
    metric: str
    op: str
    value: float

    def check(self, lookup: Lookup) -> tuple[bool, float | None]:
        """Evaluate against metrics; returns (passed, observed value)."""
        observed = lookup(self.metric)
        if observed is None:
            return True, None
        return _OPS[self.op](observed, self.value), observed

    def describe(self, observed: float | None) -> str:
        """Human-readable observed value, e.g. ``p95=512.3ms``."""
        if observed is None:
            return f"{self.metric}=n/a"
        if self.metric == "error_rate":
            return f"error_rate={observed * 100:.2f}%"
        if self.metric == "rps":
            return f"rps={observed:.1f}"
        return f"{self.metric}={observed:.1f}ms"


def parse_threshold(expr: str) -> Threshold:
    """Parse one threshold string; raises ``ValueError`` explaining what is wrong."""
    if not isinstance(expr, str):
        raise ValueError(f"threshold must be a string like 'p95 < 300ms', got {expr!r}")
    match = _PATTERN.match(expr)
    if not match:
        raise ValueError(
            f"cannot parse threshold {expr!r}: expected 'METRIC OP VALUE', "
            "e.g. 'p95 < 300ms', 'error_rate < 1%', 'rps >= 500'"
        )
    metric = _normalize_metric(match["metric"], expr)
    value = _normalize_value(metric, float(match["num"]), match["unit"], expr)
    return Threshold(expr.strip(), metric, match["op"], value)


def parse_thresholds(exprs: Iterable[str]) -> list[Threshold]:
    """Parse several thresholds (first error wins)."""
    return [parse_threshold(e) for e in exprs]


def _normalize_metric(raw: str, expr: str) -> str:
    """Canonical metric name: ``p(95)`` -> ``p95``, ``avg`` -> ``mean``."""
    name = _ALIASES.get(raw.lower(), raw.lower())
    if name.startswith("p") and name not in ("p",) and name[1:2] in ("(", *"0123456789"):
        pct = float(name.strip("p()"))
        if not 0 < pct <= 100:
            raise ValueError(f"percentile out of range in threshold {expr!r} (0 < p <= 100)")
        return f"p{pct:g}"
    if name not in ("min", "max", "mean", "error_rate", "rps"):
        raise ValueError(f"unknown metric {raw!r} in threshold {expr!r} (expected {_KNOWN})")
    return name


def _normalize_value(metric: str, num: float, unit: str, expr: str) -> float:
    """Convert the number to the metric's base unit, rejecting mismatched units."""
    if metric == "error_rate":
        if unit == "%":
            return num / 100.0
        if unit == "" and num <= 1:
            return num
        raise ValueError(f"error_rate needs '%' or a fraction <= 1 in threshold {expr!r}")
    if metric == "rps":
        if unit in ("", "/s", "rps"):
            return num
        raise ValueError(f"rps takes no unit (or '/s') in threshold {expr!r}, got {unit!r}")
    if unit not in _LATENCY_UNITS:
        raise ValueError(f"unknown latency unit {unit!r} in threshold {expr!r} (us, ms, s, m)")
    return num * _LATENCY_UNITS[unit]


@dataclass
class ThresholdState:
    """Per-threshold outcome: overall pass/fail and whether any window ever failed."""

    threshold: Threshold
    passed: bool = True
    observed: float | None = None
    ever_failed_window: bool = False
    window_failures: int = 0
    first_window_failure_at: float | None = None
    worst_window_value: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-serializable result row."""
        return {
            "threshold": self.threshold.expr,
            "metric": self.threshold.metric,
            "op": self.threshold.op,
            "limit": self.threshold.value,
            "passed": self.passed,
            "observed": self.observed,
            "ever_failed_window": self.ever_failed_window,
            "window_failures": self.window_failures,
            "first_window_failure_at": self.first_window_failure_at,
            "worst_window_value": self.worst_window_value,
        }


class ThresholdTracker:
    """Evaluates thresholds over sliding windows during a run and over the whole run."""

    def __init__(self, exprs: Iterable[str]) -> None:
        """Parse the expressions (``ValueError`` on a bad one)."""
        self.states = [ThresholdState(t) for t in parse_thresholds(exprs)]

    def evaluate_window(self, lookup: Lookup, elapsed: float) -> list[str]:
        """Evaluate over a window; returns descriptions of the failing thresholds."""
        failures = []
        for state in self.states:
            passed, observed = state.threshold.check(lookup)
            if passed:
                continue
            state.window_failures += 1
            state.worst_window_value = _worse(state.threshold, state.worst_window_value, observed)
            if not state.ever_failed_window:
                state.ever_failed_window = True
                state.first_window_failure_at = round(elapsed, 3)
            failures.append(f"'{state.threshold.expr}' ({state.threshold.describe(observed)})")
        return failures

    def evaluate_overall(self, lookup: Lookup) -> bool:
        """Evaluate over the whole run; returns True when all thresholds pass."""
        for state in self.states:
            state.passed, state.observed = state.threshold.check(lookup)
        return all(s.passed for s in self.states)

    def results(self) -> list[dict[str, Any]]:
        """All threshold results as dicts."""
        return [s.as_dict() for s in self.states]


def _worse(threshold: Threshold, old: float | None, new: float | None) -> float | None:
    """The observation further from passing (higher for '<' limits, lower for '>')."""
    if old is None or new is None:
        return new if old is None else old
    if threshold.op in ("<", "<="):
        return max(old, new)
    return min(old, new)
