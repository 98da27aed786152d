"""Prometheus target relabeling (``relabel_configs``): ``replace``, ``keep``, ``drop``,
``labeldrop`` and ``labelkeep``, with Prometheus's defaults (``separator: ;``,
``regex: (.*)``, ``replacement: $1``). Regexes run on google-re2 (linear time), anchored at
both ends like Prometheus (``^(?:regex)$``); replacements expand ``$1``, ``${1}``,
``$name`` and ``${name}`` the way Go's ``Regexp.Expand`` does (``$1x`` is the group named
``1x``: write ``${1}x``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import re2

MAX_REGEX = 1000
ACTIONS = ("replace", "keep", "drop", "labeldrop", "labelkeep")
_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
# Go's template syntax (a fixed pattern of this module, so Python's engine is fine)
_TEMPLATE = re.compile(r"\$(?:\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))")


class RelabelError(ValueError):
    """A relabel rule Prometheus would refuse, or one Hydra does not support."""


@dataclass(frozen=True)
class Rule:
    action: str
    source_labels: tuple[str, ...]
    separator: str
    regex: re2._Regexp
    target_label: str
    replacement: str


def compile_regex(pattern: str) -> re2._Regexp:
    if len(pattern) > MAX_REGEX:
        raise RelabelError(f"regex is longer than {MAX_REGEX} characters")
    try:
        return re2.compile(f"^(?:{pattern})$", options=_OPTIONS)
    except re2.error as exc:
        message = exc.args[0].decode() if isinstance(exc.args[0], bytes) else str(exc)
        raise RelabelError(f"error parsing regexp {pattern!r}: {message}") from None


def rule(raw: object) -> Rule:
    """A rule from its YAML mapping, with Prometheus's defaults and checks."""
    if not isinstance(raw, dict):
        raise RelabelError("a relabel rule must be a mapping")
    action = str(raw.get("action", "replace")).lower()
    if action not in ACTIONS:
        raise RelabelError(
            f"relabel action {action!r} is not supported (Hydra supports {', '.join(ACTIONS)})"
        )
    sources = raw.get("source_labels") or []
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise RelabelError("source_labels must be a list of label names")
    target = str(raw.get("target_label", ""))
    if action == "replace" and not target:
        raise RelabelError("relabel action replace needs a target_label")
    return Rule(
        action=action,
        source_labels=tuple(sources),
        separator=str(raw.get("separator", ";")),
        regex=compile_regex(str(raw.get("regex", "(.*)"))),
        target_label=target,
        replacement=str(raw.get("replacement", "$1")),
    )


def expand(template: str, match) -> str:
    """Go's ``Regexp.Expand``: unknown groups expand to nothing."""

    def one(found: re.Match) -> str:
        name = found.group(1) or found.group(2)
        if name is None:
            return "$"
        if name.isdigit():
            index = int(name)
            return (match.group(index) or "") if index <= len(match.groups()) else ""
        index = match.re.groupindex.get(name)
        return (match.group(index) or "") if index is not None else ""

    return _TEMPLATE.sub(one, template)


def apply(rules: list[Rule], labels: dict[str, str]) -> dict[str, str] | None:
    """The relabeled label set, or None when a rule drops the target."""
    labels = dict(labels)
    for r in rules:
        if r.action in ("labeldrop", "labelkeep"):
            keep = r.action == "labelkeep"
            labels = {k: v for k, v in labels.items() if bool(r.regex.match(k)) == keep}
            continue
        value = r.separator.join(labels.get(name, "") for name in r.source_labels)
        match = r.regex.match(value)
        if r.action == "keep" and match is None:
            return None
        if r.action == "drop" and match is not None:
            return None
        if r.action == "replace" and match is not None:
            _replace(r, match, labels)
    return labels


def _replace(r: Rule, match, labels: dict[str, str]) -> None:
    target = expand(r.target_label, match)
    result = expand(r.replacement, match)
    if not target or not re.fullmatch(r"[a-zA-Z_][a-zA-Z0-9_]*", target):
        return  # Prometheus skips an invalid target label name
    if result:
        labels[target] = result
    else:
        labels.pop(target, None)
