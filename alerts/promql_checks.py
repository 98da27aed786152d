"""Validation of PromQL rules (alerting and recording): the expression parses and gives an
instant vector or a scalar, labels are Prometheus label sets, annotations are templates."""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.template import TemplateSyntaxError

from alerts.templating import compile_template
from prom.promql import PromQLError, parse, value_type

LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:.]*$")
MAX_EXPR = 10_000


def expr_problem(expr: str) -> str | None:
    """Why ``expr`` can't be a rule's expression, or None."""
    if not expr.strip():
        return "A PromQL rule needs an expression."
    if len(expr) > MAX_EXPR:
        return f"The expression is longer than {MAX_EXPR} characters."
    try:
        kind = value_type(parse(expr))
    except PromQLError as exc:
        return f"Invalid PromQL: {exc}"
    if kind not in ("vector", "scalar"):
        return f"The expression gives a {kind}; a rule needs an instant vector or a scalar."
    return None


def labels_problems(labels, field: str = "labels") -> Iterator[tuple[str, str]]:
    if not isinstance(labels, dict):
        yield field, "Labels must be an object of names to strings."
        return
    for name, value in labels.items():
        if not LABEL_NAME.match(str(name)) or name == "__name__":
            yield field, f"{name!r} is not a valid label name."
        elif not isinstance(value, str):
            yield field, f"The value of {name!r} must be a string."


def promql_rule_problems(expr: str, labels, annotations) -> Iterator[tuple[str, str]]:
    """(field, message) for everything wrong with a PromQL alerting rule."""
    if problem := expr_problem(expr):
        yield "expr", problem
    yield from labels_problems(labels)
    if not isinstance(annotations, dict):
        yield "annotations", "Annotations must be an object of names to templates."
        return
    for name, text in annotations.items():
        if not isinstance(text, str):
            yield "annotations", f"The annotation {name!r} must be a string."
            continue
        try:
            compile_template(text)
        except TemplateSyntaxError as exc:
            yield "annotations", f"Template error in {name!r}: {exc}"
