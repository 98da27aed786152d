"""Alertmanager label matchers: ``=``, ``!=``, ``=~``, ``!~`` and their text forms.

New-style matchers (Alertmanager >= 0.22) are strings such as ``severity="critical"`` or
``{team=~"db|web", env!="dev"}``, parsed like Alertmanager's classic parser. Regexes run
on google-re2 (linear time), anchored like Alertmanager: ``^(?:re)$``. A missing label
matches as the empty string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import IntEnum

import re2

from alerts.routing.labels import LabelSet, is_label_name
from core.regex import RegexError, compile_user_regex

# Alertmanager's own grammar for one matcher (a fixed pattern, so Python's engine is fine).
_MATCHER = re.compile(
    r"[\t\n\f\r ]*([a-zA-Z_:][a-zA-Z0-9_:]*)[\t\n\f\r ]*(=~|=|!=|!~)[\t\n\f\r ]*(.*?)[\t\n\f\r ]*",
    re.DOTALL,
)
_CACHE_LIMIT = 4096


class MatcherError(ValueError):
    """A matcher that Alertmanager would reject, with its message."""


class MatchType(IntEnum):
    EQUAL = 0
    NOT_EQUAL = 1
    REGEXP = 2
    NOT_REGEXP = 3

    @property
    def symbol(self) -> str:
        return ("=", "!=", "=~", "!~")[self]


_SYMBOLS = {t.symbol: t for t in MatchType}


def compile_regex(pattern: str) -> re2._Regexp:
    """Compile ``^(?:pattern)$`` with RE2; MatcherError with RE2's message if invalid."""
    try:
        return compile_user_regex(pattern, anchor=True)
    except RegexError as exc:
        raise MatcherError(f"error parsing regexp {pattern!r}: {exc.reason}") from None


class Matcher:
    """One label matcher; regex results are cached per value, like Alertmanager does."""

    __slots__ = ("name", "type", "value", "_regex", "_cache")

    def __init__(self, type_: MatchType, name: str, value: str) -> None:
        self.type, self.name, self.value = type_, name, value
        regex = type_ in (MatchType.REGEXP, MatchType.NOT_REGEXP)
        self._regex = compile_regex(value) if regex else None
        self._cache: dict[str, bool] = {}

    def matches(self, value: str) -> bool:
        if self.type is MatchType.EQUAL:
            return value == self.value
        if self.type is MatchType.NOT_EQUAL:
            return value != self.value
        return self._regex_matches(value) == (self.type is MatchType.REGEXP)

    def _regex_matches(self, value: str) -> bool:
        found = self._cache.get(value)
        if found is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            found = self._cache[value] = self._regex.match(value) is not None  # type: ignore[union-attr]
        return found

    def sort_key(self) -> tuple[str, str, int]:
        return (self.name, self.value, int(self.type))

    def __str__(self) -> str:
        return f'{self.name}{self.type.symbol}"{openmetrics_escape(self.value)}"'

    def __repr__(self) -> str:
        return f"Matcher({self})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Matcher) and self.sort_key() == other.sort_key()

    def __hash__(self) -> int:
        return hash(self.sort_key())


def openmetrics_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


class Matchers(tuple[Matcher, ...]):
    """A sorted list of matchers that must all match (Alertmanager's ``labels.Matchers``)."""

    def __new__(cls, matchers: Iterable[Matcher] = ()) -> Matchers:
        return super().__new__(cls, sorted(matchers, key=Matcher.sort_key))

    def matches(self, labels: LabelSet) -> bool:
        return all(m.matches(labels.get(m.name, "")) for m in self)

    def first_failure(self, labels: LabelSet) -> Matcher | None:
        """The first matcher that rejects ``labels`` (for explanations), or None."""
        return next((m for m in self if not m.matches(labels.get(m.name, ""))), None)

    def __str__(self) -> str:
        return "{" + ",".join(str(m) for m in self) + "}"


def parse_matchers(text: str) -> list[Matcher]:
    """``'{a="b", c=~"d"}'`` or ``'a=b'`` -> matchers (Alertmanager's classic parser)."""
    text = text.removeprefix("{").removesuffix("}")
    tokens: list[str] = []
    token: list[str] = []
    inside_quotes = escaped = False
    for ch in text:
        if ch == "," and not inside_quotes:
            tokens.append("".join(token))
            token = []
            continue
        if ch == '"':
            inside_quotes = inside_quotes if escaped else not inside_quotes
            escaped = False
        elif ch == "\\":
            escaped = not escaped
        else:
            escaped = False
        token.append(ch)
    if last := "".join(token).strip():
        tokens.append(last)
    return [parse_matcher(t) for t in tokens]


def parse_matcher(text: str) -> Matcher:
    """One ``name op value`` matcher; the value may be quoted with ``\\"``, ``\\\\``, ``\\n``."""
    match = _MATCHER.fullmatch(text)
    if match is None:
        raise MatcherError(f"bad matcher format: {text}")
    name, op, raw = match.groups()
    return Matcher(_SYMBOLS[op], name, _unquote(raw))


def _unquote(raw: str) -> str:
    quoted = raw.startswith('"')
    body = raw[1:] if quoted else raw
    out, escaped = [], False
    for i, ch in enumerate(body):
        if escaped:
            escaped = False
            out.append({"n": "\n", '"': '"', "\\": "\\"}.get(ch, "\\" + ch))
        elif ch == "\\" and i < len(body) - 1:
            escaped = True
        elif ch == '"':
            if not quoted or i < len(body) - 1:
                raise MatcherError(f"matcher value contains unescaped double quote: {raw}")
            quoted = False
        else:
            out.append(ch)
    if quoted:
        raise MatcherError(f"matcher value contains unescaped double quote: {raw}")
    return "".join(out)


def legacy_matchers(match: object, match_re: object) -> list[Matcher]:
    """The deprecated ``match`` / ``match_re`` maps as matchers.

    Like Alertmanager, a ``match_re`` value keeps its anchored form (``^(?:re)$``), which
    is what appears in route keys and group keys.
    """
    matchers = []
    for name, value in _label_map(match, "match").items():
        matchers.append(Matcher(MatchType.EQUAL, name, value))
    for name, value in _label_map(match_re, "match_re").items():
        compile_regex(value)
        matchers.append(Matcher(MatchType.REGEXP, name, f"^(?:{value})$"))
    return matchers


def _label_map(value: object, field: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise MatcherError(f"{field} must be a map of label names to values")
    for name in value:
        if not is_label_name(str(name)):
            raise MatcherError(f"{field}: {str(name)!r} is not a valid label name")
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def matcher_list(value: object, field: str) -> list[Matcher]:
    """A config list of matcher strings (each may hold several matchers)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise MatcherError(f"{field} must be a list of strings such as 'severity=\"critical\"'")
    return [m for line in value for m in parse_matchers(line)]
