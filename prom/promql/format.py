"""Prometheus's HTTP API ``data`` object for a query result: as a dict (:func:`result_data`)
or directly as JSON text (:func:`result_json`, much faster for large results).

Values are strings formatted like Go's ``strconv.FormatFloat(v, 'f', -1, 64)`` ("NaN",
"+Inf", "-Inf"); timestamps are seconds (in the JSON text written like Prometheus writes
them: ``1700000000.5`` as ``1700000000.500``).
"""

from __future__ import annotations

import json
import math
from decimal import Decimal

import numpy as np
import orjson

from . import labels as lbl
from .values import Matrix, Scalar, String, Value, Vector


def format_float(v: float) -> str:
    """The shortest decimal that reads back as ``v``, never in exponent form."""
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    text = repr(v)
    if "e" in text:
        return np.format_float_positional(v, unique=True, trim="-")
    return text[:-2] if text.endswith(".0") else text


def format_floats(values: np.ndarray) -> list[str]:
    """:func:`format_float` of each value. orjson writes the shortest round-trip digits
    (Ryu) of a whole array in one call, ~25x faster than ``repr`` value by value; its
    ``1.0`` and exponent forms are then rewritten."""
    if len(values) == 0:
        return []
    values = np.ascontiguousarray(values, dtype=np.float64)
    raw = orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    texts = (raw[1:-1] + ",").replace(".0,", ",")[:-1].split(",")
    if "e" in raw:
        for i, text in enumerate(texts):
            if "e" in text:
                texts[i] = format(Decimal(text), "f")
    for i in np.flatnonzero(~np.isfinite(values)).tolist():
        texts[i] = format_float(values[i])
    return texts


def format_timestamp(ms: int) -> str:
    """Prometheus's JSON timestamp: seconds, with three decimals when not whole."""
    sign, ms = ("-", -ms) if ms < 0 else ("", ms)
    seconds, fraction = divmod(ms, 1000)
    return f"{sign}{seconds}.{fraction:03d}" if fraction else f"{sign}{seconds}"


def result_rows(value: Value, times: np.ndarray, is_range: bool):
    """(result type, [(labels, timestamps ms, values)]) in the API's order."""
    if isinstance(value, Scalar):
        return ("matrix" if is_range else "scalar"), [((), times, value.values)]
    if isinstance(value, Matrix):
        return "matrix", [
            (labels, value.ts[lo:hi], value.vals[lo:hi])
            for labels, lo, hi in zip(value.labels, value.lo[:, 0], value.hi[:, 0], strict=True)
            if hi > lo
        ]
    assert isinstance(value, Vector)
    order = (
        sorted(range(len(value)), key=lambda i: value.labels[i]) if is_range else range(len(value))
    )
    rows = []
    for i in order:
        keep = value.present[i]
        if keep.any():
            rows.append((value.labels[i], times[keep], value.values[i, keep]))
    return ("matrix" if is_range else "vector"), rows


def result_data(value: Value, times: np.ndarray, is_range: bool) -> dict:
    """The ``data`` field of ``/api/v1/query`` (instant) or ``/api/v1/query_range``."""
    if isinstance(value, String):
        return {"resultType": "string", "result": [int(times[0]) / 1000, value.value]}
    kind, rows = result_rows(value, times, is_range)
    if kind == "scalar":
        _, ts, values = rows[0]
        return {"resultType": "scalar", "result": [int(ts[0]) / 1000, format_float(values[0])]}
    if kind == "vector":
        result = [
            {"metric": dict(labels), "value": [int(ts[0]) / 1000, format_float(values[0])]}
            for labels, ts, values in rows
        ]
        return {"resultType": "vector", "result": result}
    result = []
    for labels, ts, values in rows:
        points = [[t, v] for t, v in zip((ts / 1000).tolist(), format_floats(values), strict=True)]
        result.append({"metric": dict(labels), "values": points})
    return {"resultType": "matrix", "result": result}


def _metric(labels: lbl.Labels) -> str:
    return json.dumps(dict(labels), ensure_ascii=False, separators=(",", ":"))


_QUOTE, _COMMA, _CLOSE, _OPEN, _DOT, _ZERO = (ord(c) for c in '",][.0')


def _dot_zero(a: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Whether the number ending before each of ``ends`` ends in ``.0``."""
    return (a[ends - 2] == _DOT) & (a[ends - 1] == _ZERO)


def _quoted(raw: bytes, counts: list[int]) -> tuple[str, list[int]]:
    """orjson's ``[[t,v],[t,v]]`` rewritten as ``[t,"v"],[t,"v"]`` without ``.0`` endings,
    and where each series' first point starts. Everything is located with numpy on the
    bytes (one ``,`` inside and one ``]`` closing each point), so nothing runs per point
    in Python."""
    a = np.frombuffer(raw, dtype=np.uint8)[1:-1]
    inner = np.flatnonzero(a == _COMMA)[0::2]
    closes = np.flatnonzero(a == _CLOSE)
    t_zero, v_zero = _dot_zero(a, inner), _dot_zero(a, closes)
    dropped = 2 * t_zero + 2 * v_zero  # bytes removed per point
    before = np.cumsum(dropped) - dropped
    gone = np.concatenate(
        [inner[t_zero] - 2, inner[t_zero] - 1, closes[v_zero] - 2, closes[v_zero] - 1]
    )
    at = np.empty(2 * len(inner), dtype=np.int64)
    at[0::2] = inner + 1 - before - 2 * t_zero  # a quote after the comma ...
    at[1::2] = closes - before - dropped  # ... and one before the "]"
    b = np.insert(np.delete(a, gone), at, _QUOTE)
    first = np.cumsum([0, *counts[:-1]])
    opens = np.where(first > 0, closes[first - 1] + 2, 0)  # "]," then "[" of the next point
    starts = (opens - before[first] + 2 * first).tolist()
    return b.tobytes().decode(), starts


def _all_points_fast(rows: list) -> list[str] | None:
    """``[t,"v"],…`` of every row from one orjson call over all points. None when a value
    needs Go's spelling (NaN, ±Inf) or orjson chose an exponent form."""
    counts = [len(ts) for _, ts, _ in rows]
    pairs = np.empty((sum(counts), 2))
    pairs[:, 0] = np.concatenate([ts for _, ts, _ in rows]) / 1000
    pairs[:, 1] = np.concatenate([values for _, _, values in rows])
    if not np.isfinite(pairs[:, 1]).all():
        return None
    raw = orjson.dumps(pairs, option=orjson.OPT_SERIALIZE_NUMPY)
    if b"e" in raw:
        return None
    text, starts = _quoted(raw, counts)
    starts.append(len(text) + 1)
    return [text[x : y - 1] for x, y in zip(starts, starts[1:], strict=False)]


def _points(stamps: dict[int, str], ts: np.ndarray, values: np.ndarray) -> str:
    """``[t,"v"],[t,"v"]``: texts between values (``"],[t,"``) are made once per timestamp."""
    times = ts.tolist()
    for t in set(times).difference(stamps):
        stamps[t] = '"],[' + format_timestamp(t) + ',"'
    parts: list[str] = [""] * (2 * len(times))
    parts[0::2] = map(stamps.__getitem__, times)
    parts[1::2] = format_floats(values)
    parts[0] = parts[0][3:]
    return "".join(parts) + '"]'


def result_json(value: Value, times: np.ndarray, is_range: bool) -> str:
    """:func:`result_data` serialised as Prometheus serialises it (compact JSON)."""
    if isinstance(value, String):
        text = json.dumps(value.value, ensure_ascii=False)
        return f'{{"resultType":"string","result":[{format_timestamp(int(times[0]))},{text}]}}'
    kind, rows = result_rows(value, times, is_range)
    if kind == "scalar":
        _, ts, values = rows[0]
        point = f'[{format_timestamp(int(ts[0]))},"{format_float(values[0])}"]'
        return f'{{"resultType":"scalar","result":{point}}}'
    stamps: dict[int, str] = {}
    points = (_all_points_fast(rows) if rows else None) or [
        _points(stamps, ts, values) for _, ts, values in rows
    ]
    key, close = ('"values":[', "]") if kind == "matrix" else ('"value":', "")
    parts = [
        f'{{"metric":{_metric(labels)},{key}{text}{close}}}'
        for (labels, _, _), text in zip(rows, points, strict=True)
    ]
    return f'{{"resultType":"{kind}","result":[{",".join(parts)}]}}'
