"""Summary/description templates: Django's template language, rendered as plain text.

``{{ value }}``, ``{{ host }}``, ``{{ labels.region }}``, ``{{ rule }}``, ``{{ metric }}``,
``{{ severity }}``, ``{{ state }}``. Autoescape is off: the output is plain text (the HTML
e-mail escapes it again when it embeds it). Prometheus's ``{{ $labels.x }}`` and
``{{ $value }}`` (rules imported from Prometheus) mean ``labels.x`` and ``value``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.template import Context, Engine, Template

_ENGINE = Engine(autoescape=False, string_if_invalid="")
_TAG = re.compile(r"\{\{.*?\}\}", re.S)
_PROM_VAR = re.compile(r"\$(labels|value)\b")


def _from_prometheus(text: str) -> str:
    return _TAG.sub(lambda m: _PROM_VAR.sub(r"\1", m.group(0)), text)


@lru_cache(maxsize=1024)
def compile_template(text: str) -> Template:
    """Raises ``TemplateSyntaxError`` on a bad template (used by ``AlertRule.clean``)."""
    return _ENGINE.from_string(_from_prometheus(text))


def render(text: str, context: dict[str, Any]) -> str:
    if not text:
        return ""
    return compile_template(text).render(Context(context, autoescape=False)).strip()


def template_context(rule: Any, series: Any, alert: Any) -> dict[str, Any]:
    """What a rule's templates see for one alert."""
    return {
        "value": alert.value,
        "host": series.host,
        "labels": {**series.labels, **({"host": series.host} if series.host else {})},
        "metric": series.name,
        "rule": rule.name,
        "severity": rule.severity,
        "state": alert.state,
    }
