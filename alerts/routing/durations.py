"""Prometheus durations (``30s``, ``1h30m``, ``2d``): ``model.ParseDuration`` and back."""

from __future__ import annotations

import re
from datetime import timedelta

# A fixed pattern of this module (not user input), so Python's engine is fine here.
_DURATION = re.compile(
    r"(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?"
)
_UNITS_MS = (365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1)
_NAMES = ("y", "w", "d", "h", "m", "s", "ms")


def parse_duration(text: object) -> timedelta:
    """``"1h30m"`` -> 90 minutes; ``"0"`` is allowed. Raises ValueError like Prometheus."""
    text = str(text)
    if text == "0":
        return timedelta(0)
    if text == "":
        raise ValueError("empty duration string")
    match = _DURATION.fullmatch(text)
    if match is None:
        raise ValueError(f"not a valid duration string: {text!r}")
    ms = sum(int(n) * unit for n, unit in zip(match.groups(), _UNITS_MS, strict=True) if n)
    return timedelta(milliseconds=ms)


def format_duration(value: timedelta) -> str:
    """The shortest Prometheus form: 90 minutes -> ``"1h30m"``, zero -> ``"0s"``."""
    ms = round(value.total_seconds() * 1000)
    if ms == 0:
        return "0s"
    parts = []
    for unit, name in zip(_UNITS_MS, _NAMES, strict=True):
        if name in ("y", "w") and ms % unit:  # "90d" reads better than "12w6d"
            continue
        count, ms = divmod(ms, unit)
        if count:
            parts.append(f"{count}{name}")
    return "".join(parts)
