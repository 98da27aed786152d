"""Prometheus rule files as Hydra threshold rules, where they map.

Hydra has no PromQL rule kind yet, so an alerting rule is imported only when its ``expr``
is a plain comparison of one metric (with an optional selector) against a number, e.g.
``node_load1{job="node"} > 4``: it becomes a threshold rule on the metric's latest value
(``agg: last`` over 5 minutes, Prometheus's look-back) with the rule's ``for``, labels
and annotations. Everything else (recording rules, functions, aggregations, ``!~``) is
reported as skipped with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from alerts.routing import MatcherError, parse_matchers
from alerts.routing.durations import parse_duration

SIMPLE = re.compile(
    r"^\s*(?P<metric>[a-zA-Z_:][a-zA-Z0-9_:.]*)\s*(?:\{(?P<selector>[^{}]*)\})?\s*"
    r"(?P<op>>=|<=|==|!=|>|<)\s*(?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$"
)
OPS = {"=": "=", "!=": "!=", "=~": "=~"}
SEVERITIES = ("info", "warning", "critical")


class Skipped(ValueError):
    """A rule that does not map to a Hydra rule (the message says why)."""


def rule_from_prometheus(rule: Mapping) -> dict:
    """One ``rules:`` entry -> Hydra rule fields; ``Skipped`` when it does not map."""
    if "record" in rule:
        raise Skipped(f"recording rule {rule['record']!r}: Hydra has no recording rules")
    name, expr = str(rule.get("alert") or ""), str(rule.get("expr") or "")
    if not name:
        raise Skipped("an alerting rule needs `alert`")
    match = SIMPLE.fullmatch(expr)
    if match is None:
        raise Skipped(
            f"{name}: `{expr}` is not `metric{{…}} <op> number` (no PromQL rule kind yet)"
        )
    labels = {str(k): str(v) for k, v in (rule.get("labels") or {}).items()}
    annotations = {str(k): str(v) for k, v in (rule.get("annotations") or {}).items()}
    fields: dict = {
        "name": name, "metric": match["metric"], "condition": "threshold", "agg": "last",
        "window_seconds": 300, "op": match["op"], "threshold": float(match["number"]),
        "label_matchers": _matchers(name, match["selector"] or ""),
        "for_seconds": _seconds(name, rule.get("for")),
        "keep_firing_for_seconds": _seconds(name, rule.get("keep_firing_for")),
        "summary_template": annotations.pop("summary", ""),
        "description_template": annotations.pop("description", ""),
        "annotations": annotations,
    }  # fmt: skip
    if labels.get("severity") in SEVERITIES:
        fields["severity"] = labels.pop("severity")
    fields["labels"] = labels
    return fields


def _matchers(name: str, selector: str) -> list[dict]:
    try:
        parsed = parse_matchers(selector) if selector.strip() else []
    except MatcherError as exc:
        raise Skipped(f"{name}: {exc}") from None
    out = []
    for m in parsed:
        op = OPS.get(m.type.symbol)
        if op is None:
            raise Skipped(f"{name}: matcher {m} is not supported by Hydra rules (=, !=, =~)")
        out.append({"label": m.name, "op": op, "value": m.value})
    return out


def _seconds(name: str, value: object) -> int:
    if value in (None, ""):
        return 0
    try:
        return int(parse_duration(value).total_seconds())
    except ValueError as exc:
        raise Skipped(f"{name}: {exc}") from None
