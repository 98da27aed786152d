"""The three JSON shapes of ``POST /api/v1/metrics/``.

1. one point object ``{"name", "value", "timestamp"?, "host"?, "labels"?}``;
2. a list of point objects (errors name the point's position as ``index``);
3. ``{"series": [{"name", "host"?, "labels"?, "points": [[ts, value], ...]}]}`` (errors
   name the series' position as ``index`` and ``points[j]...`` as ``field``).
"""

from __future__ import annotations

from typing import Any

import orjson

from metrics.ingest import fastpath
from metrics.ingest.batch import Batch, IngestError, PointError, RequestTooLarge, SeriesKey
from metrics.ingest.rules import (
    RuleError,
    Window,
    check_host,
    check_labels,
    check_name,
    check_value,
    timestamp_to_us,
)

POINT_FIELDS = {"name", "value", "timestamp", "host", "labels"}


def parse_json(body: bytes, *, max_points: int) -> Batch:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise IngestError(
            [{"index": 0, "field": "body", "message": f"malformed JSON: {exc}"}]
        ) from None
    window = Window.now()
    if isinstance(data, dict) and "series" in data:
        return _compact(data, window, max_points)
    if isinstance(data, dict):
        return _objects([data], window, max_points)
    if isinstance(data, list):
        return _objects(data, window, max_points)
    raise IngestError([{"index": 0, "field": "body", "message": "expected an object or a list"}])


def _objects(items: list[Any], window: Window, max_points: int) -> Batch:
    if len(items) > max_points:
        raise RequestTooLarge(f"{len(items)} points; at most {max_points} per request")
    batch, errors = Batch(), []
    for i, item in enumerate(items):
        try:
            _object(batch, item, window)
        except _FieldError as exc:
            errors.append(PointError(index=i, field=exc.field, message=exc.message))
    if errors:
        raise IngestError(errors)
    return batch


class _FieldError(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message


def _rule(field: str, check, value, *args):
    try:
        return check(value, *args)
    except RuleError as exc:
        raise _FieldError(field, str(exc)) from None


def _object(batch: Batch, item: Any, window: Window) -> None:
    if not isinstance(item, dict):
        raise _FieldError("point", "each point must be an object")
    unknown = set(item) - POINT_FIELDS
    if unknown:
        raise _FieldError(sorted(unknown)[0], "unknown field")
    if "value" not in item:
        raise _FieldError("value", "value is required")
    key = (
        _rule("name", check_name, item.get("name")),
        _rule("host", check_host, item.get("host")),
        _rule("labels", check_labels, item.get("labels")),
    )
    value = _rule("value", check_value, item["value"])
    ts = _rule("timestamp", timestamp_to_us, item.get("timestamp"), window)
    batch.add(batch.series_position(key), ts, value)


def _compact(data: dict, window: Window, max_points: int) -> Batch:
    entries = data["series"]
    if not isinstance(entries, list):
        raise IngestError([{"index": 0, "field": "series", "message": "series must be a list"}])
    batch, errors = Batch(), list[PointError]()
    raw_points, positions, parsed, total = [], [], [], 0
    for i, entry in enumerate(entries):
        try:
            position, points = _compact_series(batch, entry)
        except _FieldError as exc:
            errors.append(PointError(index=i, field=exc.field, message=exc.message))
            continue
        parsed.append((i, position, points))
        total += len(points)
        raw_points.extend(points)
        positions.extend([position] * len(points))
    if total > max_points:
        raise RequestTooLarge(f"{total} points; at most {max_points} per request")
    fast = None if errors else fastpath.points(raw_points, window)
    if fast is not None:  # every point valid: checked in one vectorised pass
        batch.series_index, (batch.ts, batch.values) = positions, fast
        return batch
    _careful(batch, parsed, window, errors)  # names each bad point (or accepts RFC 3339 times)
    if errors:
        raise IngestError(errors)
    return batch


def _compact_series(batch: Batch, entry: Any) -> tuple[int, list]:
    if not isinstance(entry, dict):
        raise _FieldError("series", "each series must be an object")
    points = entry.get("points")
    if not isinstance(points, list):
        raise _FieldError("points", "points must be a list of [timestamp, value]")
    return batch.series_position(_series_key(entry)), points


_checked: dict[tuple, SeriesKey] = {}  # (name, host, labels' items) as sent -> checked key
CHECKED_MAX = 100_000


def _series_key(entry: dict) -> SeriesKey:
    """The checked key; an agent's series are checked once per process, then remembered."""
    name, host, labels = entry.get("name"), entry.get("host"), entry.get("labels")
    sent: tuple | None = None
    if labels is None or (type(labels) is dict and not labels):
        sent = (name, host, ())
    elif type(labels) is dict and all(type(v) is str for v in labels.values()):
        sent = (name, host, tuple(labels.items()))  # str values only: 1 == 1.0 == True
    key = _checked.get(sent) if sent is not None and type(name) is str else None
    if key is None:
        key = (
            _rule("name", check_name, name),
            _rule("host", check_host, host),
            _rule("labels", check_labels, labels),
        )
        if sent is not None and type(host) in (str, type(None)):
            if len(_checked) >= CHECKED_MAX:
                _checked.clear()
            _checked[sent] = key
    return key


def _careful(batch: Batch, parsed: list, window: Window, errors: list[PointError]) -> None:
    """Point by point, when the vectorised pass can't vouch for every point."""
    for i, position, points in parsed:
        for j, point in enumerate(points):
            try:
                _pair(batch, position, point, window, j)
            except _FieldError as exc:
                errors.append(PointError(index=i, field=exc.field, message=exc.message))


def _pair(batch: Batch, position: int, point: Any, window: Window, j: int) -> None:
    if not isinstance(point, list) or len(point) != 2:
        raise _FieldError(f"points[{j}]", "each point must be [timestamp, value]")
    ts = _rule(f"points[{j}].timestamp", timestamp_to_us, point[0], window)
    value = _rule(f"points[{j}].value", check_value, point[1])
    batch.add(position, ts, value)
