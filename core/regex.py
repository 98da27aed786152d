"""The one way user-supplied regexes are compiled: google-re2 (linear time, no
backtracking), with a length limit and a clear message for what RE2 does not support
(backreferences, lookaround). Pure: no Django, so engine packages use it too.

Alert rules' host regexes and label matchers, silences, routing matchers and PromQL's
``=~``/``!~`` all come through here; a pattern like ``(a+)+`` costs linear time on any input
instead of doubling per character."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import re2

MAX_PATTERN = 1024  # characters of one user regex
_CACHE = 4096


class RegexError(ValueError):
    """A user regex Hydra refuses; ``field`` names where it came from (for the 400), the
    message says why (without the field: callers phrase it)."""

    def __init__(self, message: str, field: str = "regex", reason: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.reason = reason or message  # the engine's own words (syntax errors)


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # a bad pattern is the user's error, not a log line
    options.max_mem = 8 << 20  # a pattern's compiled program, bounded
    return options


_OPTIONS = _options()


def compile_user_regex(pattern: str, *, field: str = "regex", anchor: bool = False) -> Any:
    """``pattern`` compiled by RE2 (``anchor``: as ``^(?:pattern)$``, Prometheus's way);
    RegexError naming ``field`` when it is too long or not RE2 syntax."""
    if not isinstance(pattern, str):
        raise RegexError("a regex must be a string", field)
    if len(pattern) > MAX_PATTERN:
        raise RegexError(f"the regex is longer than {MAX_PATTERN} characters", field)
    try:
        return _compile(pattern, anchor)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise RegexError(
            f"invalid regular expression {pattern[:80]!r}: {reason} "
            "(RE2 syntax: no backreferences or lookaround)",
            field,
            reason,
        ) from None


@lru_cache(maxsize=_CACHE)
def _compile(pattern: str, anchor: bool) -> Any:
    return re2.compile(f"^(?:{pattern})$" if anchor else pattern, _OPTIONS)


def user_regex_error(pattern: str, *, field: str = "regex") -> str:
    """The message compile_user_regex would raise, or "" when ``pattern`` is fine."""
    try:
        compile_user_regex(pattern, field=field)
    except RegexError as exc:
        return str(exc)
    return ""
