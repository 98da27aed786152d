"""Label and annotation maps given by users (rules, policies, provisioning files).

Names follow Prometheus (``[a-zA-Z_][a-zA-Z0-9_]*``); values are strings of at most
``MAX_VALUE`` characters without control characters (annotations may hold newlines and
tabs). Pure Python.
"""

from __future__ import annotations

import re

from alerts.routing.labels import is_label_name

MAX_VALUE = 1000
MAX_ANNOTATION = 10_000
MAX_ENTRIES = 64
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # newline and tab allowed


def has_control(text: str, *, multiline: bool = False) -> bool:
    return (_CONTROL_TEXT if multiline else _CONTROL).search(text) is not None


def label_map_errors(value: object, *, what: str = "labels", text: bool = False) -> list[str]:
    """Problems with a ``{name: value}`` map (empty when valid); ``text``: annotations."""
    if not isinstance(value, dict):
        return [f"{what} must be an object of name: string value"]
    if len(value) > MAX_ENTRIES:
        return [f"{what}: at most {MAX_ENTRIES} entries"]
    limit = MAX_ANNOTATION if text else MAX_VALUE
    errors = []
    for name, v in value.items():
        if not isinstance(name, str) or not is_label_name(name):
            errors.append(f"{what}: {name!r} is not a valid name ([a-zA-Z_][a-zA-Z0-9_]*)")
        elif not isinstance(v, str):
            errors.append(f"{what}: the value of {name!r} must be a string")
        elif len(v) > limit:
            errors.append(f"{what}: the value of {name!r} is longer than {limit} characters")
        elif has_control(v, multiline=text):
            errors.append(f"{what}: the value of {name!r} contains control characters")
    return errors
