"""Label sets as Alertmanager sees them: fingerprints, Go-style text and ordering.

A label set is a plain ``dict[str, str]``. Everything here reproduces the Go code of
``prometheus/common/model`` byte for byte, because group keys and fingerprints end up in
webhook payloads that existing consumers compare.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cmp_to_key

from fnv_c import fnv1a_64

LabelSet = Mapping[str, str]
LabelKey = tuple[tuple[str, str], ...]

_SEPARATOR = b"\xff"  # model.SeparatorByte: not valid UTF-8, so it never occurs in text
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")  # fixed pattern, not user input
_GO_ESCAPES = {
    "\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
    "\v": "\\v", "\\": "\\\\", '"': '\\"',
}  # fmt: skip


def label_key(labels: LabelSet) -> LabelKey:
    """The label set as a sorted tuple: hashable, and equal exactly when the sets are."""
    return tuple(sorted(labels.items()))


def fingerprint_of_key(key: LabelKey) -> int:
    """FNV-1a 64 over each name and value, each followed by the separator byte 0xff."""
    parts: list[bytes] = []
    for name, value in key:
        parts += (name.encode(), _SEPARATOR, value.encode(), _SEPARATOR)
    return fnv1a_64(b"".join(parts))


def fingerprint(labels: LabelSet) -> int:
    """``model.LabelSet.Fingerprint()`` of Prometheus / Alertmanager."""
    return fingerprint_of_key(label_key(labels))


def fingerprint_hex(fp: int) -> str:
    """The 16-digit form Alertmanager shows (``%016x``)."""
    return f"{fp:016x}"


def is_label_name(name: str) -> bool:
    return _LABEL_NAME.fullmatch(name) is not None


def go_quote(text: str) -> str:
    """Go's ``strconv.Quote`` (``%q``) for valid UTF-8 text."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return '"' + "".join(_go_char(ch) for ch in text) + '"'


def _go_char(ch: str) -> str:
    if ch in _GO_ESCAPES:
        return _GO_ESCAPES[ch]
    if ch.isprintable():
        return ch
    code = ord(ch)
    if code < 0x80:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def labelset_string(labels: LabelSet) -> str:
    """``model.LabelSet.String()``: ``{a="1", b="2"}``, sorted as formatted strings."""
    parts = sorted(f"{name}={go_quote(value)}" for name, value in labels.items())
    return "{" + ", ".join(parts) + "}"


def labelset_before(left: LabelSet, right: LabelSet) -> bool:
    """``model.LabelSet.Before``: fewer labels first, then the first differing pair."""
    if len(left) != len(right):
        return len(left) < len(right)
    for name in sorted([*left, *right]):
        if name not in left:
            return True
        if name not in right:
            return False
        if left[name] != right[name]:
            return left[name] < right[name]
    return False


def alert_labels_less(left: LabelSet, right: LabelSet) -> bool:
    """``types.AlertSlice.Less``: by ``job``, then ``instance``, then ``Before``."""
    for name in ("job", "instance"):
        in_left, in_right = name in left, name in right
        if not in_left and not in_right:
            continue
        if not in_left or not in_right:
            return in_left
        if left[name] != right[name]:
            return left[name] < right[name]
    return labelset_before(left, right)


def _compare(left: LabelSet, right: LabelSet) -> int:
    if alert_labels_less(left, right):
        return -1
    return 1 if alert_labels_less(right, left) else 0


alert_sort_key = cmp_to_key(_compare)
"""Sort key for label sets in the order Alertmanager lists alerts in a notification."""
