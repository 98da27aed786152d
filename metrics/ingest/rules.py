"""Validation rules shared by the JSON and line-protocol parsers.

Timestamps: an RFC 3339 string with a time zone (``2026-11-22T10:00:00Z``), or an epoch
number whose magnitude gives its unit: below 1e11 seconds, below 1e14 milliseconds,
below 1e17 microseconds, else nanoseconds. Stored with microsecond precision. A point
may be at most ``HYDRA_INGEST_MAX_FUTURE`` (10 minutes) ahead of the server clock and no
older than the raw retention.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from core.text import control_message

NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]*\Z")
MAX_NAME = 200
MAX_LABELS = 32
MAX_LABEL_LEN = 200
US = 1_000_000


class RuleError(ValueError):
    """A single value broke a rule; the parser adds the index and field."""


@dataclass(frozen=True)
class Window:
    """The accepted timestamp range, fixed once per request."""

    oldest_us: int
    newest_us: int
    now_us: int

    @classmethod
    def now(cls) -> Window:
        now = int(time.time() * US)
        return cls(
            oldest_us=now - int(settings.HYDRA_RETENTION_RAW.total_seconds() * US),
            newest_us=now + int(settings.HYDRA_INGEST_MAX_FUTURE.total_seconds() * US),
            now_us=now,
        )

    def check(self, ts_us: int) -> int:
        if ts_us < self.oldest_us:
            raise RuleError("timestamp is older than the raw retention (HYDRA_RETENTION_RAW)")
        if ts_us > self.newest_us:
            raise RuleError("timestamp is more than 10 minutes in the future")
        return ts_us


def check_name(name: object) -> str:
    if not isinstance(name, str) or not name:
        raise RuleError("name is required and must be a string")
    if len(name) > MAX_NAME:
        raise RuleError(f"name is longer than {MAX_NAME} characters")
    if not NAME_RE.match(name):
        raise RuleError("name must match [A-Za-z_][A-Za-z0-9_.:-]*")
    return name


def check_host(host: object) -> str:
    if host is None:
        return ""
    if not isinstance(host, str) or len(host) > MAX_LABEL_LEN:
        raise RuleError(f"host must be a string of at most {MAX_LABEL_LEN} characters")
    _clean("host", host)
    return host


def _clean(field: str, text: str) -> None:
    message = control_message(field, text)
    if message is not None:
        raise RuleError(message)


def check_labels(labels: object) -> tuple[tuple[str, str], ...]:
    if labels is None:
        return ()
    if not isinstance(labels, dict):
        raise RuleError("labels must be an object of string keys and values")
    if len(labels) > MAX_LABELS:
        raise RuleError(f"at most {MAX_LABELS} labels")
    out = []
    for key, value in labels.items():
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise RuleError(f"label {key!r} must be a string")
        value = str(value)
        if not key or len(key) > MAX_LABEL_LEN or len(value) > MAX_LABEL_LEN:
            raise RuleError(f"label keys and values must be 1 to {MAX_LABEL_LEN} characters")
        _clean(f"label key {key[:40]!r}", key)
        _clean(f"label {key[:40]!r}", value)
        out.append((key, value))
    return tuple(sorted(out))


def check_value(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RuleError("value must be a number (not a string or boolean)")
    number = float(value)
    if not math.isfinite(number):
        raise RuleError("value must be finite (no NaN or Infinity)")
    return number


def epoch_to_us(number: float) -> int:
    magnitude = abs(number)
    if magnitude < 1e11:
        return int(round(number * US))
    if magnitude < 1e14:
        return int(round(number * 1_000))
    if magnitude < 1e17:
        return int(number)
    return int(number) // 1_000


def timestamp_to_us(value: object, window: Window) -> int:
    """Parse one timestamp (None = server time) and check it is in the accepted window."""
    if value is None:
        return window.now_us
    if isinstance(value, bool):
        raise RuleError("timestamp must be an RFC 3339 string or an epoch number")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise RuleError("timestamp must be finite")
        return window.check(epoch_to_us(value))
    if isinstance(value, str):
        return window.check(rfc3339_to_us(value))
    raise RuleError("timestamp must be an RFC 3339 string or an epoch number")


def rfc3339_to_us(text: str) -> int:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise RuleError(f"timestamp {text[:40]!r} is not RFC 3339") from None
    if parsed.tzinfo is None:
        raise RuleError("timestamp needs a time zone, e.g. 2026-11-22T10:00:00Z")
    seconds = int(parsed.timestamp())
    return seconds * US + parsed.microsecond
