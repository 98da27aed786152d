"""InfluxDB line protocol (``measurement,tag=v field=1.0,f2=3i ts``), parsed by the
``line-protocol-parser`` C extension.

Each field becomes series ``measurement.field``; tags become labels, the ``host`` tag the
host. Integer, float and boolean fields are stored (booleans as 0/1); string fields are
refused. ``precision`` (ns default, us, ms, s) scales the timestamp. Errors name the
1-based line number as ``index``.
"""

from __future__ import annotations

from line_protocol_parser import LineFormatError, parse_line

from metrics.ingest import lineproto_fast
from metrics.ingest.batch import Batch, IngestError, PointError, RequestTooLarge
from metrics.ingest.rules import (
    RuleError,
    Window,
    check_host,
    check_labels,
    check_name,
    check_value,
)

PRECISION_TO_US = {"ns": 0.001, "n": 0.001, "us": 1, "u": 1, "ms": 1_000, "s": 1_000_000}


def precision_factor(precision: str | None) -> float:
    if precision in (None, ""):
        return PRECISION_TO_US["ns"]
    try:
        return PRECISION_TO_US[precision]
    except KeyError:
        raise IngestError(
            [{"index": 0, "field": "precision", "message": "precision must be ns, us, ms or s"}]
        ) from None


def parse_lines(body: bytes, *, precision: str | None, max_points: int) -> Batch:
    factor = precision_factor(precision)
    window = Window.now()
    fast = lineproto_fast.parse(body, factor=factor, window=window, max_points=max_points)
    if fast is not None:  # plain numeric lines, all valid: parsed in bulk
        return fast
    return careful(body, factor, window, max_points)


def careful(body: bytes, factor: float, window: Window, max_points: int) -> Batch:
    """Line by line; names each bad line."""
    batch, errors, count = Batch(), [], 0
    memo: dict[bytes, tuple] = {}  # series prefix -> (checked key, {field: position})
    for number, raw in enumerate(body.split(b"\n"), start=1):
        line = raw.strip()
        if not line or line.startswith(b"#"):
            continue
        try:
            count += _line(batch, line, factor, window, memo)
        except (RuleError, LineFormatError, UnicodeDecodeError) as exc:
            errors.append(PointError(index=number, field="line", message=str(exc)))
        if count > max_points:
            raise RequestTooLarge(f"more than {max_points} points per request")
    if errors:
        raise IngestError(errors)
    return batch


def _timestamp(parsed_time: int | None, factor: float, window: Window) -> int:
    if parsed_time is None:
        return window.now_us
    ts = parsed_time // 1_000 if factor == 0.001 else int(parsed_time * factor)
    return window.check(ts)


def _series(parsed: dict) -> tuple[str, str, tuple]:
    tags = dict(parsed["tags"])
    host = check_host(tags.pop("host", ""))
    return parsed["measurement"], host, check_labels(tags)


def _line(
    batch: Batch, line: bytes, factor: float, window: Window, memo: dict[bytes, tuple]
) -> int:
    """One line: each field a point. Lines of the same series reuse its checked key."""
    parsed = parse_line(line)
    ts = _timestamp(parsed["time"], factor, window)
    prefix = line.split(b" ", 1)[0]
    known = memo.get(prefix) if b"\\" not in prefix else None
    if known is None:
        known = memo[prefix] = (_series(parsed), {})
    (measurement, host, labels), positions = known  # positions: field -> series position
    for field, value in parsed["fields"].items():
        if isinstance(value, str):
            raise RuleError(f"field {field!r} is a string; only numbers and booleans are stored")
        number = float(value) if isinstance(value, bool) else check_value(value)
        position = positions.get(field)
        if position is None:
            name = check_name(f"{measurement}.{field}")
            position = positions[field] = batch.series_position((name, host, labels))
        batch.add(position, ts, number)
    return len(parsed["fields"])
