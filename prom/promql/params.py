"""Parameters of Prometheus's HTTP API, parsed as Prometheus 2.42 parses them: times
(Unix seconds or RFC 3339), durations (seconds or ``5m``) and series selectors (``match[]``).
For the HTTP layer; every error is a :class:`BadDataError` with Prometheus's message."""

from __future__ import annotations

import datetime as dt
import math
import re

import promql_parser

from .ast import Selector, parse
from .errors import BadDataError
from .matchers import LabelMatcher

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_MIN_TIME, _MAX_TIME = -9223372036854775808 // 1000, 9223372036854775807 // 1000


def _float(text: str) -> float | None:
    if not text or text != text.strip() or "_" in text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def parse_time(text: str) -> int:
    """Milliseconds since the epoch from ``1435781451.781`` or ``2015-07-01T20:10:51.781Z``."""
    seconds = _float(text)
    if seconds is not None and math.isfinite(seconds):
        whole = math.trunc(seconds)
        fraction = (seconds - whole) * 1000
        return whole * 1000 + int(math.copysign(math.floor(abs(fraction) + 0.5), fraction))
    if _RFC3339.match(text):
        try:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return (parsed - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(milliseconds=1)
    if text in ("-292273086-05-16T16:47:06Z", "292277025-08-18T07:12:54.999999999Z"):
        return _MIN_TIME if text.startswith("-") else _MAX_TIME  # Prometheus's min/max time
    raise BadDataError(f"cannot parse {text!r} to a valid timestamp")


def parse_duration(text: str) -> int:
    """Milliseconds from ``15`` / ``0.5`` (seconds) or a PromQL duration like ``1m30s``."""
    seconds = _float(text)
    if seconds is not None:
        if not math.isfinite(seconds) or abs(seconds) * 1e9 >= 2.0**63:
            raise BadDataError(f"cannot parse {text!r} to a valid duration. It overflows int64")
        return (
            int(seconds * 1e9) // 1_000_000 if seconds >= 0 else -(int(-seconds * 1e9) // 1_000_000)
        )
    try:
        return promql_parser.parse_duration(text) // dt.timedelta(milliseconds=1)
    except ValueError:
        if re.fullmatch(r"0+(ms|[smhdwy])", text):
            return 0
        raise BadDataError(f"cannot parse {text!r} to a valid duration") from None


def parse_selector(text: str) -> list[LabelMatcher]:
    """The matchers of a series selector (``match[]`` of /series, /labels, …)."""
    try:
        node = parse(text)
    except BadDataError as exc:
        raise BadDataError(str(exc)) from None
    if not isinstance(node, Selector) or node.offset_ms or node.at is not None:
        raise BadDataError(f"parse error: {text!r} is not a series selector")
    return list(node.matchers)
