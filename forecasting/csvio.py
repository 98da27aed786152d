"""CSV in, forecast CSV out, for ``manage.py forecast`` (clear errors for bad files)."""

from __future__ import annotations

import csv
import math
import re
import statistics
from datetime import UTC, datetime
from pathlib import Path

from forecasting.spec import MAX_STEPS

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
DURATION_RE = re.compile(r"^(\d+(?:\.\d+)?)([smhdw])$")


class CsvError(ValueError):
    """A problem with the input, worded for the person who made the file."""


def parse_time(text: str, line: int) -> tuple[datetime, bool]:
    """(time, was it epoch seconds); ISO 8601 without a zone is taken as UTC."""
    try:
        return datetime.fromtimestamp(float(text), tz=UTC), True
    except (ValueError, OverflowError):
        pass
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CsvError(
            f"line {line}: {text!r} is not a timestamp (ISO 8601 or epoch seconds)"
        ) from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)), False


def parse_value(text: str, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CsvError(f"line {line}: value {text!r} is not a number") from None
    if not math.isfinite(value):
        raise CsvError(f"line {line}: value {text!r} is not finite")
    return value


def _columns(reader, path: Path) -> tuple[int, int]:
    header = [h.strip().lower() for h in next(reader, [])]
    if "timestamp" not in header or "value" not in header:
        raise CsvError(
            f"{path}: the header must have 'timestamp' and 'value' columns, got {header}"
        )
    return header.index("timestamp"), header.index("value")


def read_series(path: Path) -> tuple[list[datetime], list[float], bool]:
    """(times, values, timestamps were epoch numbers); raises ``CsvError``."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise CsvError(f"cannot read {path}: {exc.strerror}") from None
    times, values, epoch = [], [], True
    with handle:
        reader = csv.reader(handle)
        ti, vi = _columns(reader, path)
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if max(ti, vi) >= len(row):
                raise CsvError(f"line {line}: expected a timestamp and a value")
            when, was_epoch = parse_time(row[ti].strip(), line)
            times.append(when)
            values.append(parse_value(row[vi].strip(), line))
            epoch = epoch and was_epoch
    if len(values) < 10:
        raise CsvError(f"{path}: {len(values)} data row(s); need at least 10 to forecast")
    return times, values, epoch


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
