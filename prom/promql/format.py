"""Prometheus's HTTP API ``data`` object for a query result, values formatted like Go's
``strconv.FormatFloat(v, 'f', -1, 64)`` ("NaN", "+Inf", "-Inf"), timestamps in seconds."""

from __future__ import annotations

import math

import numpy as np

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
    return [format_float(v) for v in values.tolist()]


def _seconds(ms: int) -> float:
    return ms / 1000


def _series(labels: lbl.Labels, ts: np.ndarray, values: np.ndarray) -> dict:
    secs = (ts / 1000).tolist()
    return {
        "metric": lbl.to_dict(labels),
        "values": [list(p) for p in zip(secs, format_floats(values), strict=True)],
    }


def _instant(value: Value, t: int) -> dict:
    if isinstance(value, Scalar):
        return {"resultType": "scalar", "result": [_seconds(t), format_float(value.values[0])]}
    if isinstance(value, String):
        return {"resultType": "string", "result": [_seconds(t), value.value]}
    if isinstance(value, Matrix):
        return {"resultType": "matrix", "result": _windows(value)}
    rows = np.flatnonzero(value.present[:, 0]) if len(value) else np.zeros(0, np.int64)
    result = [
        {
            "metric": lbl.to_dict(value.labels[i]),
            "value": [_seconds(t), format_float(value.values[i, 0])],
        }
        for i in rows
    ]
    return {"resultType": "vector", "result": result}


def _windows(m: Matrix) -> list[dict]:
    out = []
    for i, labels in enumerate(m.labels):
        lo, hi = m.lo[i, 0], m.hi[i, 0]
        if hi > lo:
            out.append(_series(labels, m.ts[lo:hi], m.vals[lo:hi]))
    return out


def _range(value: Value, times: np.ndarray) -> dict:
    if isinstance(value, Scalar):
        return {"resultType": "matrix", "result": [_series((), times, value.values)]}
    assert isinstance(value, Vector)
    order = sorted(range(len(value)), key=lambda i: value.labels[i])
    result = []
    for i in order:
        keep = value.present[i]
        if keep.any():
            result.append(_series(value.labels[i], times[keep], value.values[i, keep]))
    return {"resultType": "matrix", "result": result}


def result_data(value: Value, times: np.ndarray, is_range: bool) -> dict:
    """The ``data`` field of ``/api/v1/query`` (instant) or ``/api/v1/query_range``."""
    if is_range:
        return _range(value, times)
    return _instant(value, int(times[0]))
