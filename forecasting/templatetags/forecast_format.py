"""``{{ seconds|duration }}``: 21600 → "6 h", 60 → "1 min", 90 → "90 s", 86400 → "1 d"."""

from __future__ import annotations

from django import template

register = template.Library()
UNITS = ((86400, "d"), (3600, "h"), (60, "min"))


@register.filter
def duration(seconds) -> str:
    """A whole number of days, hours or minutes when it is one, else seconds."""
    try:
        value = int(seconds)
    except (TypeError, ValueError):
        return ""
    for size, unit in UNITS:
        if value and value % size == 0:
            return f"{value // size} {unit}"
    return f"{value} s"
