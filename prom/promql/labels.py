"""Label sets as sorted tuples of (name, value) pairs: hashable, ordered like Prometheus.

Python compares ``str`` by code point, which for UTF-8 is the byte order Go's
``labels.Compare`` uses, so ``sorted()`` over label sets gives Prometheus's series order.
A label with an empty value does not exist (as in Prometheus).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

Labels = tuple[tuple[str, str], ...]
NAME = "__name__"
EMPTY: Labels = ()


def from_mapping(labels: Mapping[str, str]) -> Labels:
    """Labels from a dict, dropping empty values."""
    return tuple(sorted((k, v) for k, v in labels.items() if v != ""))


def get(labels: Labels, name: str) -> str:
    for k, v in labels:
        if k == name:
            return v
    return ""


def drop_name(labels: Labels) -> Labels:
    return tuple(p for p in labels if p[0] != NAME)


def keep(labels: Labels, names: Iterable[str]) -> Labels:
    wanted = set(names)
    return tuple(p for p in labels if p[0] in wanted)


def without(labels: Labels, names: Iterable[str]) -> Labels:
    """Labels minus ``names`` and minus the metric name (Prometheus's ``without``)."""
    unwanted = set(names) | {NAME}
    return tuple(p for p in labels if p[0] not in unwanted)


def delete(labels: Labels, names: Iterable[str]) -> Labels:
    unwanted = set(names)
    return tuple(p for p in labels if p[0] not in unwanted)


def setting(labels: Labels, name: str, value: str) -> Labels:
    """A copy with ``name`` set to ``value`` (removed when the value is empty)."""
    rest = [p for p in labels if p[0] != name]
    if value != "":
        rest.append((name, value))
    return tuple(sorted(rest))


def valid_name(name: str) -> bool:
    """A legacy Prometheus label name: ``[a-zA-Z_][a-zA-Z0-9_]*``."""
    if not name or name[0].isdigit():
        return False
    return all(
        c == "_" or ("a" <= c <= "z") or ("A" <= c <= "Z") or ("0" <= c <= "9") for c in name
    )


def to_dict(labels: Labels) -> dict[str, str]:
    return dict(labels)


def to_text(labels: Labels) -> str:
    """Prometheus's ``labels.String()``: ``{a="1", b="2"}``."""
    inner = ", ".join(f"{k}={_quote(v)}" for k, v in labels)
    return "{" + inner + "}"


def _quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'
