"""Whole-request parsing of plain line protocol: ``measurement[,tag=v...] f=1[,g=2i...] ts``.

Agents send thousands of lines that differ only in values and timestamps; parsing each line
with its own Python calls costs ~4 µs a line. This pass splits the whole body at once and
converts timestamps and values in bulk; each distinct series prefix is checked once per
process (by the same C parser and rules as the careful path) and remembered.

It handles the common shape only: one space between prefix, fields and timestamp, no
escapes, no quotes, no comments or blank lines, numeric fields. For anything else, and for
any invalid point, it returns None and the careful line-by-line parser decides (and names
the bad line), so both accept and refuse exactly the same input.
"""

from __future__ import annotations

import re
import threading

import numpy as np
from line_protocol_parser import LineFormatError, parse_line

from metrics.ingest.batch import Batch, RequestTooLarge, SeriesKey
from metrics.ingest.rules import RuleError, Window, check_host, check_labels, check_name

# what line_protocol_parser reads as a float (no sign, nan, inf or hex)
FLOATS = re.compile(rb"(?:-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?,)*")
PLAIN = b"0123456789.-eE,"  # what plain float fields are written with
INT = re.compile(rb"-?\d{1,18}i|\d{1,18}u")
BOOLS = {b"t": 1.0, b"T": 1.0, b"true": 1.0, b"True": 1.0, b"TRUE": 1.0}
BOOLS |= {b"f": 0.0, b"F": 0.0, b"false": 0.0, b"False": 0.0, b"FALSE": 0.0}
SPECIAL = b'\\"#\r\t'  # escapes, strings, comments, CRLF, tabs: the careful parser's
SEPARATORS = np.array([32, 32, 10], dtype=np.uint8)  # " ", " ", "\n" on every line
CACHE_MAX = 100_000
_prefixes: dict[bytes, tuple[str, str, tuple[tuple[str, str], ...]]] = {}
_keys: dict[tuple[bytes, bytes], SeriesKey] = {}
_lock = threading.Lock()


class _Careful(Exception):
    """This body needs the line-by-line parser."""


def parse(body: bytes, *, factor: float, window: Window, max_points: int) -> Batch | None:
    """The batch, or None when the careful parser must decide."""
    body = body.strip(b"\n")
    if not body or len(body.translate(None, SPECIAL)) != len(body):
        return None
    try:
        return _parse(body, factor, window, max_points)
    except (_Careful, RuleError, LineFormatError, UnicodeDecodeError, ValueError, OverflowError):
        return None


def _tokens(body: bytes) -> list[bytes]:
    """Three tokens per line, in order, when every line is exactly "prefix fields timestamp"
    (the separators, read with numpy: space, space, newline, ..., space, space)."""
    raw = np.frombuffer(body, dtype=np.uint8)
    separators = raw[(raw == 32) | (raw == 10)]
    lines = (len(separators) + 1) // 3
    if len(separators) != 3 * lines - 1 or not np.array_equal(
        separators, np.tile(SEPARATORS, lines)[:-1]
    ):
        raise _Careful
    return body.replace(b"\n", b" ").split(b" ")


def _parse(body: bytes, factor: float, window: Window, max_points: int) -> Batch:
    tokens = _tokens(body)
    prefixes, fields, stamps = tokens[0::3], tokens[1::3], tokens[2::3]
    lines = len(prefixes)
    joined = b",".join(fields)
    total = joined.count(b",") + 1  # fields in all lines
    if total > max_points:
        raise RequestTooLarge(f"more than {max_points} points per request")
    if total == lines:  # one field per line: no commas to split at
        pairs = b"=".join(fields).split(b"=")
    else:
        pairs = b"=".join(joined.split(b",")).split(b"=")
    if len(pairs) != 2 * total:
        raise _Careful
    keys, raw_values = pairs[0::2], pairs[1::2]
    ts = _timestamps(stamps, factor, window)
    values = _values(raw_values)
    if total == lines:  # one field per line: the common case
        series, index = _series_single(prefixes, keys)
        return Batch(series=series, series_index=index, ts=ts.tolist(), values=values.tolist())
    line_of = np.repeat(np.arange(lines), [f.count(b",") + 1 for f in fields])
    series, index = _series_multi([prefixes[i] for i in line_of.tolist()], keys, line_of)
    return Batch(series=series, series_index=index, ts=ts[line_of].tolist(), values=values.tolist())


def _timestamps(stamps: list[bytes], factor: float, window: Window) -> np.ndarray:
    distinct = set(stamps)  # agents send a few timestamps per batch: each converted once
    if not b"".join(distinct).isdigit() or max(map(len, distinct)) > 19:
        raise _Careful  # negative, signed, missing or huge: the careful path's rules
    known = {stamp: int(stamp) for stamp in distinct}
    ts = np.fromiter(map(known.__getitem__, stamps), np.int64, len(stamps))
    if factor == 0.001:
        ts = ts // 1_000
    elif int(ts.max()) * factor >= 2**62:
        raise _Careful
    else:
        ts = ts * int(factor)
    if int(ts.min()) < window.oldest_us or int(ts.max()) > window.newest_us:
        raise _Careful
    return ts


def _values(raw: list[bytes]) -> np.ndarray:
    joined = b",".join(raw)
    if not joined.translate(None, PLAIN) and b",," not in joined:
        # digits, dots, minus and e only: float() accepts what the parser does, refuses the
        # rest ("1.2.3", "-", "e5", an empty value) with ValueError (careful path)
        values = np.fromiter(map(float, raw), np.float64, len(raw))
    elif FLOATS.fullmatch(joined + b","):
        values = np.fromiter(map(float, raw), np.float64, len(raw))
    else:
        values = np.fromiter(map(_number, raw), np.float64, len(raw))
    if not np.isfinite(values).all():
        raise _Careful
    return values


def _number(raw: bytes) -> float:
    if INT.fullmatch(raw):
        return float(int(raw[:-1]))
    if raw in BOOLS:
        return BOOLS[raw]
    if FLOATS.fullmatch(raw + b","):
        return float(raw)
    raise _Careful  # strings, bad numbers


def _series_single(prefixes: list[bytes], keys: list[bytes]) -> tuple[list[SeriesKey], list[int]]:
    positions: dict[bytes, int] = {}
    index = [positions.setdefault(p, len(positions)) for p in prefixes]
    if len(set(keys)) != 1:
        return _series_multi(prefixes, keys, np.arange(len(prefixes)))
    return [_key(p, keys[0]) for p in positions], index


def _series_multi(
    prefixes: list[bytes], keys: list[bytes], line_of: np.ndarray
) -> tuple[list[SeriesKey], list[int]]:
    _, key_ids = np.unique(np.array(keys), return_inverse=True)
    if np.unique(line_of * (int(key_ids.max()) + 1) + key_ids).size != len(keys):
        raise _Careful  # a field repeated within a line: the parser keeps the first
    positions: dict[tuple[bytes, bytes], int] = {}
    index = [positions.setdefault(pk, len(positions)) for pk in zip(prefixes, keys, strict=True)]
    return [_key(p, k) for p, k in positions], index


def _key(prefix: bytes, field: bytes) -> SeriesKey:
    key = _keys.get((prefix, field))
    if key is None:
        if not field:
            raise _Careful
        measurement, host, labels = _prefix(prefix)
        key = (check_name(f"{measurement}.{field.decode()}"), host, labels)
        _remember(_keys, (prefix, field), key)
    return key


def _prefix(prefix: bytes) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    known = _prefixes.get(prefix)
    if known is None:
        parsed = parse_line(prefix + b" f=1")
        tags = dict(parsed["tags"])
        host = check_host(tags.pop("host", ""))
        known = (parsed["measurement"], host, check_labels(tags))
        _remember(_prefixes, prefix, known)
    return known


def _remember(cache: dict, key, value) -> None:
    with _lock:
        if len(cache) >= CACHE_MAX:
            cache.clear()
        cache[key] = value
