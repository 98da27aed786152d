"""label_replace and label_join, with Go's ``regexp.Expand`` template syntax ($1, ${name}, $$)."""

from __future__ import annotations

from typing import Any

from . import labels as lbl
from .errors import BadDataError, ExecutionError
from .matchers import compile_regex
from .values import Vector, merge_same_labels


def _name_at(template: str, i: int) -> tuple[str | None, int]:
    """The variable name after a ``$`` at ``i`` (Go's ``extract``) and where it ends."""
    brace = i < len(template) and template[i] == "{"
    j = i + 1 if brace else i
    start = j
    while j < len(template) and (
        template[j].isalpha() or template[j].isdecimal() or template[j] == "_"
    ):
        j += 1
    if j == start:
        return None, i
    name = template[start:j]
    if brace:
        if j >= len(template) or template[j] != "}":
            return None, i
        j += 1
    return name, j


def _group(match: Any, name: str) -> str:
    regex = match.re
    if name.isdecimal() and not (name[0] == "0" and len(name) > 1):
        index = int(name)
        value = match.group(index) if index <= regex.groups else None
    else:
        index = regex.groupindex.get(name)
        value = None if index is None else match.group(index)
    return value or ""


def expand(template: str, match: Any) -> str:
    out, i = [], 0
    while i < len(template):
        c = template[i]
        if c != "$":
            out.append(c)
            i += 1
        elif template.startswith("$$", i):
            out.append("$")
            i += 2
        else:
            name, end = _name_at(template, i + 1)
            if name is None:
                out.append("$")
                i += 1
            else:
                out.append(_group(match, name))
                i = end
    return "".join(out)


def label_replace(vec: Vector, dst: str, replacement: str, src: str, regex: str) -> Vector:
    try:
        rx = compile_regex(regex)
    except BadDataError:
        raise ExecutionError(f"invalid regular expression in label_replace(): {regex}") from None
    if not lbl.valid_name(dst):
        raise ExecutionError(f"invalid destination label name in label_replace(): {dst}")
    out = []
    for labels in vec.labels:
        match = rx.match(lbl.get(labels, src))
        if match is None:
            out.append(labels)
        else:
            out.append(lbl.setting(labels, dst, expand(replacement, match)))
    return merge_same_labels(Vector(out, vec.values, vec.present))


def label_join(vec: Vector, dst: str, separator: str, sources: list[str]) -> Vector:
    for src in sources:
        if not lbl.valid_name(src):
            raise ExecutionError(f"invalid source label name in label_join(): {src}")
    if not lbl.valid_name(dst):
        raise ExecutionError(f"invalid destination label name in label_join(): {dst}")
    out = [
        lbl.setting(labels, dst, separator.join(lbl.get(labels, s) for s in sources))
        for labels in vec.labels
    ]
    return merge_same_labels(Vector(out, vec.values, vec.present))
