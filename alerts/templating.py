"""Summary/description templates: Django's template language, rendered as plain text,
plus Prometheus-style ``{{ $labels.host }}`` / ``{{ $value }}`` (``.Labels.host`` /
``.Value`` too) with Prometheus's functions, called or piped: ``{{ $value | humanize }}``,
``{{ humanizePercentage $value }}``, ``{{ printf "%.2f" $value }}``,
``{{ $labels.job | toUpper }}`` (``alerts.humanize``).

``{{ value }}``, ``{{ host }}``, ``{{ labels.region }}``, ``{{ rule }}``, ``{{ metric }}``,
``{{ severity }}``, ``{{ state }}``. Autoescape is off: the output is plain text (the HTML
e-mail escapes it again when it embeds it).

The Prometheus forms are a plain substitution, not template code: each is replaced by a
control-character placeholder before Django renders, and the value is put in afterwards,
so a label value such as ``{{ x }}`` or ``{% load %}`` is printed, never interpreted. A
function Hydra doesn't have (or a form it can't read) is a syntax error when the rule is
saved or imported; a value a function can't format renders as Go's error text would, in
place (``<error: …>``), never failing the notification.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.template import Context, Engine, Template, TemplateSyntaxError

from alerts.humanize import FUNCTIONS, TemplateValueError, go_g, printf

_ENGINE = Engine(autoescape=False, string_if_invalid="")
_CALLS = "|".join(sorted(FUNCTIONS, key=len, reverse=True)) + "|printf"
# a Go action: {{ $value }}, {{ .Labels.x | toUpper }}, {{ printf "%.1f" $value }}, …
GO_TOKEN = re.compile(r"\{\{-?\s*((?:\$|\.[A-Z]|(?:" + _CALLS + r")\s)[^{}]*?)\s*-?\}\}")
WORD = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`|\||[^\s|]+')  # fixed pattern
REF = re.compile(r"(?:\$value|\.Value|(?:\$labels|\.Labels)\.([A-Za-z_][A-Za-z0-9_]*))\Z")
_MARK = "\x00{}\x00"
Command = tuple[str, ...]  # a function name then its arguments, or one reference


@lru_cache(maxsize=1024)
def _split(text: str) -> tuple[Template, tuple[tuple[Command, ...], ...]]:
    """The Django template with placeholders, and the Go pipeline each one stands for."""
    tokens: list[tuple[Command, ...]] = []

    def placeholder(match: re.Match[str]) -> str:
        tokens.append(_pipeline(match.group(1)))
        return _MARK.format(len(tokens) - 1)

    return _ENGINE.from_string(GO_TOKEN.sub(placeholder, text)), tuple(tokens)


def _pipeline(body: str) -> tuple[Command, ...]:
    commands: list[list[str]] = [[]]
    for word in WORD.findall(body):
        if word == "|":
            commands.append([])
        else:
            commands[-1].append(word)
    for i, command in enumerate(commands):
        _check(command, piped=i > 0, action=body)
    return tuple(tuple(c) for c in commands)


def _check(command: list[str], *, piped: bool, action: str) -> None:
    head, args = (command[0], command[1:]) if command else ("", [])
    if head == "printf":
        fine = bool(args) and args[0][0] in '"`' and all(REF.match(a) for a in args[1:])
    elif head in FUNCTIONS:
        fine = len(args) + piped == 1 and all(REF.match(a) for a in args)
    else:
        fine = not piped and not args and bool(REF.match(head))
    if not fine:
        raise TemplateSyntaxError(
            f"{{{{ {action} }}}}: Hydra reads $value, $labels.<name> (or .Value, "
            f".Labels.<name>) and the functions {', '.join(FUNCTIONS)} and printf"
        )


def compile_template(text: str) -> Template:
    """Raises ``TemplateSyntaxError`` on a bad template (used by ``AlertRule.clean``)."""
    return _split(text)[0]


def render(text: str, context: dict[str, Any]) -> str:
    if not text:
        return ""
    template, tokens = _split(text)
    out = str(template.render(Context(context, autoescape=False)))
    for i, pipeline in enumerate(tokens):
        out = out.replace(_MARK.format(i), _run(pipeline, context))
    return out.strip()


def _ref(word: str, context: dict[str, Any]) -> Any:
    if word[0] in '"`':
        return word[1:-1].replace('\\"', '"') if word[0] == '"' else word[1:-1]
    label = REF.match(word).group(1)  # type: ignore[union-attr]  # checked when parsed
    if label is None:
        return context.get("value")
    return (context.get("labels") or {}).get(label, "")


def _run(pipeline: tuple[Command, ...], context: dict[str, Any]) -> str:
    result: Any = None
    for i, (head, *words) in enumerate(pipeline):
        args = [_ref(w, context) for w in words] + ([result] if i else [])
        try:
            if head == "printf":
                result = printf(*args)
            elif head in FUNCTIONS:
                result = FUNCTIONS[head](args[0])
            else:
                result = _ref(head, context)
        except TemplateValueError as exc:
            return f"<error: {exc}>"
    return _value(result)


def _value(value: Any) -> str:
    if value is None:
        return ""
    return go_g(value) if isinstance(value, float) else str(value)


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
