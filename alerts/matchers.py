"""Label matchers (``=``, ``!=``, ``=~``) and host patterns (glob or regex). Pure Python.

A matcher is ``{"label": "region", "op": "=~", "value": "eu-.*"}``; regexes match the
whole value (like Prometheus). A missing label matches as the empty string.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any, TypedDict

from core.regex import compile_user_regex, user_regex_error

MATCH_OPS = ("=", "!=", "=~")


class Matcher(TypedDict):
    label: str
    op: str
    value: str


def _regex(pattern: str) -> Any:
    """A user regex: RE2 (linear time), through core's one helper."""
    return compile_user_regex(pattern)


@lru_cache(maxsize=4096)
def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(pattern))  # glob-made: no user regex syntax


def matcher_errors(matchers: object) -> list[str]:
    """Human-readable problems with a matcher list (empty when it is valid)."""
    if not isinstance(matchers, list):
        return ["label matchers must be a list of {label, op, value} objects"]
    errors = []
    for i, m in enumerate(matchers):
        if not isinstance(m, dict) or set(m) != {"label", "op", "value"}:
            errors.append(f"matcher {i + 1}: expected exactly the keys label, op, value")
        elif m["op"] not in MATCH_OPS:
            errors.append(f"matcher {i + 1}: op must be one of {', '.join(MATCH_OPS)}")
        elif not isinstance(m["label"], str) or not m["label"]:
            errors.append(f"matcher {i + 1}: label must be a non-empty string")
        elif m["op"] == "=~" and (msg := regex_error(str(m["value"]))):
            errors.append(f"matcher {i + 1}: invalid regex: {msg}")
    return errors


def regex_error(pattern: str) -> str:
    """Why RE2 refuses ``pattern`` (too long, unsupported syntax), or ""."""
    return user_regex_error(pattern)


def matches(matchers: Iterable[Mapping[str, str]], labels: Mapping[str, str]) -> bool:
    """Whether every matcher accepts ``labels``."""
    for m in matchers:
        actual = str(labels.get(m["label"], ""))
        if m["op"] == "=" and actual != m["value"]:
            return False
        if m["op"] == "!=" and actual == m["value"]:
            return False
        if m["op"] == "=~" and not _regex(m["value"]).fullmatch(actual):
            return False
    return True


def host_matches(pattern: str, host: str, *, regex: bool = False) -> bool:
    """An empty pattern or ``*`` matches every host; globs use fnmatch, regexes fullmatch."""
    return host_predicate(pattern, regex)(host)


def _any_host(host: str) -> bool:
    return True


@lru_cache(maxsize=4096)
def host_predicate(pattern: str, regex: bool = False) -> Callable[[str], bool]:
    """``host_matches`` compiled once per pattern (case-sensitive, like ``fnmatchcase``)."""
    if not pattern or pattern == "*":
        return _any_host
    compiled = _regex(pattern) if regex else _glob(pattern)
    return lambda host: compiled.fullmatch(host) is not None
