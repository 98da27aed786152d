"""CSV in, forecast CSV out, for ``manage.py forecast`` (reading: ``core.csvio``)."""

from __future__ import annotations

import csv
import math
import re
import statistics
from datetime import UTC, datetime
from pathlib import Path

from core.csvio import CsvError, read_points
from forecasting.spec import MAX_STEPS

__all__ = ["CsvError", "infer_step", "parse_horizon", "read_series", "write_forecast"]

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
DURATION_RE = re.compile(r"^(\d+(?:\.\d+)?)([smhdw])$")


def read_series(path: Path) -> tuple[list[datetime], list[float], bool]:
    """(times, values, timestamps were epoch numbers); ISO 8601 without a zone is UTC.
    Raises ``CsvError``."""
    points = read_points(path, naive_tz=UTC)
    if len(points.values) < 10:
        raise CsvError(f"{path}: {len(points.values)} data row(s); need at least 10 to forecast")
    return points.times, points.values, points.epoch


def infer_step(times: list[datetime]) -> int:
    """The median spacing in whole seconds (at least 1)."""
    ordered = sorted(times)
    gaps = [(b - a).total_seconds() for a, b in zip(ordered, ordered[1:], strict=False)]
    gaps = [g for g in gaps if g > 0]
    if not gaps:
        raise CsvError("all timestamps are equal: cannot infer the step")
    return max(1, round(statistics.median(gaps)))


def parse_horizon(text: str, step: int) -> int:
    """``24h``/``90m``/``2d``/``1w`` (rounded up to whole steps) or a number of steps → steps."""
    text = text.strip().lower()
    if text.isdigit():
        steps = int(text)
    elif match := DURATION_RE.match(text):
        steps = math.ceil(float(match[1]) * UNITS[match[2]] / step)
    else:
        raise CsvError(
            f"--horizon {text!r}: give a duration like 24h, 90m, 2d or a number of steps"
        )
    if not 1 <= steps <= MAX_STEPS:
        raise CsvError(f"--horizon is {steps} steps of {step}s; it must be 1 to {MAX_STEPS} steps")
    return steps


def write_forecast(path: Path, forecast, epoch: bool) -> None:
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["timestamp", "yhat", "yhat_lower", "yhat_upper"])
        for t, y, lo, hi in zip(
            forecast.timestamps, forecast.yhat, forecast.lower, forecast.upper, strict=True
        ):
            stamp = f"{t.timestamp():.0f}" if epoch else t.isoformat()
            out.writerow([stamp, repr(float(y)), repr(float(lo)), repr(float(hi))])
