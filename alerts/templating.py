"""Summary/description templates: Django's template language, rendered as plain text,
plus Prometheus-style ``{{ $labels.host }}`` / ``{{ $value }}``.

``{{ value }}``, ``{{ host }}``, ``{{ labels.region }}``, ``{{ rule }}``, ``{{ metric }}``,
``{{ severity }}``, ``{{ state }}``. Autoescape is off: the output is plain text (the HTML
e-mail escapes it again when it embeds it).

The Prometheus forms are a plain substitution, not template code: each is replaced by a
control-character placeholder before Django renders, and the value is put in afterwards,
so a label value such as ``{{ x }}`` or ``{% load %}`` is printed, never interpreted.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.template import Context, Engine, Template

_ENGINE = Engine(autoescape=False, string_if_invalid="")
# {{ $value }}, {{ $labels.name }}, {{ $labels }} is not supported (no Go maps in text)
GO_TOKEN = re.compile(r"\{\{-?\s*\$(value|labels\.([A-Za-z_][A-Za-z0-9_]*))\s*-?\}\}")
_MARK = "\x00{}\x00"


@lru_cache(maxsize=1024)
def _split(text: str) -> tuple[Template, tuple[str, ...]]:
    """The Django template with placeholders, and what each placeholder stands for."""
    tokens: list[str] = []

    def placeholder(match: re.Match[str]) -> str:
        tokens.append(match.group(2) or "")  # "" = $value, else the label name
        return _MARK.format(len(tokens) - 1)

    return _ENGINE.from_string(GO_TOKEN.sub(placeholder, text)), tuple(tokens)


def compile_template(text: str) -> Template:
    """Raises ``TemplateSyntaxError`` on a bad template (used by ``AlertRule.clean``)."""
    return _split(text)[0]


def render(text: str, context: dict[str, Any]) -> str:
    if not text:
        return ""
    template, tokens = _split(text)
    out = str(template.render(Context(context, autoescape=False)))
    labels = context.get("labels") or {}
    for i, label in enumerate(tokens):
        value = _value(context.get("value")) if label == "" else labels.get(label, "")
        out = out.replace(_MARK.format(i), str(value))
    return out.strip()


def _value(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def template_context(rule: Any, series: Any, alert: Any) -> dict[str, Any]:
    """What a rule's templates see for one alert; ``labels`` are the alert's labels
    (series labels, host, metric, alertname, rule labels, severity, load_test)."""
    labels = getattr(alert, "labels", None) or series.labels
    return {
        "value": alert.value,
        "host": series.host,
        "labels": labels,
        "metric": series.name,
        "rule": rule.name,
        "severity": rule.severity,
        "state": alert.state,
    }
