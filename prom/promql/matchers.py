"""Label matchers (=, !=, =~, !~) with regexes run by RE2, fully anchored like Prometheus."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.regex import RegexError, compile_user_regex

from .errors import BadDataError

OPS = ("=", "!=", "=~", "!~")


@functools.lru_cache(maxsize=4096)
def compile_regex(pattern: str) -> Any:
    """An RE2 regex that must match a whole string (Prometheus wraps it in ``^(?:…)$``)."""
    try:
        return compile_user_regex(pattern, anchor=True)
    except RegexError as exc:
        raise BadDataError(f"invalid regular expression {pattern!r}: {exc.reason}") from None


@dataclass(frozen=True)
class LabelMatcher:
    """One matcher of a selector. A missing label matches as the empty string.

    Storage backends may push these down (``name``, ``op``, ``value``) or use
    :meth:`matches` on candidate series; the engine filters returned series again.
    """

    name: str
    op: str
    value: str
    _regex: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise BadDataError(f"unknown matcher operator {self.op!r}")
        if self.op in ("=~", "!~"):
            object.__setattr__(self, "_regex", compile_regex(self.value))

    def matches(self, value: str) -> bool:
        if self.op == "=":
            return value == self.value
        if self.op == "!=":
            return value != self.value
        hit = self._regex.match(value) is not None
        return hit if self.op == "=~" else not hit

    @property
    def matches_empty(self) -> bool:
        return self.matches("")

    def __str__(self) -> str:
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"')
        return f'{self.name}{self.op}"{escaped}"'


def matches_all(matchers: Sequence[LabelMatcher], labels: Mapping[str, str]) -> bool:
    return all(m.matches(labels.get(m.name, "")) for m in matchers)
