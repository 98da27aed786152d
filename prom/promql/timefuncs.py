"""Date functions (minute, hour, day_of_week, …) in UTC, on sample values or the step time."""

from __future__ import annotations

import numpy as np

from . import labels as lbl
from .values import Vector, merge_same_labels

DATE_FUNCTIONS = frozenset(
    [
        "minute",
        "hour",
        "day_of_week",
        "day_of_month",
        "day_of_year",
        "days_in_month",
        "month",
        "year",
    ]
)


def _calendar(name: str, seconds: np.ndarray) -> np.ndarray:
    days = np.floor_divide(seconds, 86400)
    if name == "minute":
        return np.floor_divide(seconds, 60) % 60
    if name == "hour":
        return np.floor_divide(seconds, 3600) % 24
    if name == "day_of_week":
        return (days + 4) % 7  # 1970-01-01 was a Thursday
    day = days.astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    if name == "day_of_month":
        return (day - month).astype(np.int64) + 1
    if name == "day_of_year":
        return (day - day.astype("datetime64[Y]")).astype(np.int64) + 1
    if name == "days_in_month":
        return ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(
            np.int64
        )
    if name == "month":
        return month.astype(np.int64) % 12 + 1
    return day.astype("datetime64[Y]").astype(np.int64) + 1970


def date_values(name: str, seconds: np.ndarray) -> np.ndarray:
    """``name`` of the instants ``seconds`` (floats, truncated like Go's int64 conversion)."""
    finite = np.isfinite(seconds) & (np.abs(seconds) < 2.0**62)
    whole = np.trunc(np.where(finite, seconds, 0)).astype(np.int64)
    return np.where(finite, _calendar(name, whole).astype(np.float64), np.nan)


def date_function(name: str, arg: Vector | None, times: np.ndarray) -> Vector:
    if arg is None:  # no argument: the evaluation time
        seconds = (np.trunc(times / 1000)).astype(np.int64).astype(np.float64)
        values = date_values(name, seconds)[None, :]
        return Vector([()], values, np.ones((1, len(times)), dtype=bool))
    labels = [lbl.drop_name(x) for x in arg.labels]
    out = Vector(labels, date_values(name, arg.values), arg.present).compact()
    return merge_same_labels(out)
