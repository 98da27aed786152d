"""Prometheus durations (``15s``, ``1m30s``, ``500ms``) to and from milliseconds: the form
``scrape_interval`` and the scrape-target API use (``model.ParseDuration``)."""

from __future__ import annotations

import re

# a fixed pattern of this module (not user input): Python's engine is fine here
_DURATION = re.compile(
    r"(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?"
)
_UNITS_MS = (365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1)
_NAMES = ("y", "w", "d", "h", "m", "s", "ms")
MAX_TEXT = 40


def parse_ms(text: object) -> int:
    """``"1m30s"`` -> 90000; ``"0"`` is 0. ValueError for anything else."""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise ValueError(f"{str(text)[:MAX_TEXT]!r} is not a duration like 15s, 1m or 500ms")
    if text == "0":
        return 0
    match = _DURATION.fullmatch(text)
    if not text or match is None:
        raise ValueError(f"{text!r} is not a duration like 15s, 1m or 500ms")
    return sum(int(n) * unit for n, unit in zip(match.groups(), _UNITS_MS, strict=True) if n)


def format_ms(ms: int) -> str:
    """The shortest Prometheus form: 90000 -> ``"1m30s"``, 0 -> ``"0s"``."""
    if ms == 0:
        return "0s"
    parts = []
    for unit, name in zip(_UNITS_MS, _NAMES, strict=True):
        if name in ("y", "w") and ms % unit:
            continue
        count, ms = divmod(ms, unit)
        if count:
            parts.append(f"{count}{name}")
    return "".join(parts)
