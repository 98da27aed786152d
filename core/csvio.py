"""Reading ``timestamp,value`` CSVs for the command-line tools, with errors worded for the
person who made the file. Shared by ``detect_anomalies`` and ``forecast``.

Timestamps are epoch seconds or ISO 8601 (``Z`` accepted). An ISO time without a zone
stays naive (local wall clock) unless the caller gives ``naive_tz``.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path


class CsvError(ValueError):
    """A problem with the input, worded for the person who made the file."""


@dataclass
class Points:
    raw: list[str]  # the timestamps as written
    times: list[datetime]
    values: list[float]
    epoch: bool  # every timestamp was epoch seconds


def read_points(path: Path, *, naive_tz: tzinfo | None = None) -> Points:
    """Every data row of ``path`` (blank rows skipped); raises ``CsvError``."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise CsvError(f"cannot read {path}: {exc.strerror}") from None
    points = Points([], [], [], epoch=True)
    with handle:
        reader = csv.reader(handle)
        ti, vi = _columns(next(reader, []), path)
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            stamp, value = _cell(row, ti, line, "timestamp"), _cell(row, vi, line, "value")
            when, was_epoch = parse_time(stamp, line)
            points.raw.append(stamp)
            points.times.append(
                when if when.tzinfo or not naive_tz else when.replace(tzinfo=naive_tz)
            )
            points.values.append(parse_value(value, line))
            points.epoch = points.epoch and was_epoch
    if not points.values:
        raise CsvError(f"{path}: no data rows")
    return points


def _columns(header: list[str], path: Path) -> tuple[int, int]:
    names = [h.strip().lower() for h in header]
    if "timestamp" not in names or "value" not in names:
        raise CsvError(f"{path}: the header must have 'timestamp' and 'value' columns, got {names}")
    return names.index("timestamp"), names.index("value")


def _cell(row: list[str], index: int, line: int, name: str) -> str:
    if index >= len(row) or not row[index].strip():
        raise CsvError(f"line {line}: missing {name}")
    return row[index].strip()


def parse_time(text: str, line: int) -> tuple[datetime, bool]:
    """(time, was it epoch seconds)."""
    try:
        return datetime.fromtimestamp(float(text), tz=UTC), True
    except (ValueError, OverflowError, OSError):
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")), False
    except ValueError:
        raise CsvError(
            f"line {line}: {text!r} is not a timestamp (ISO 8601 or epoch seconds)"
        ) from None


def parse_value(text: str, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CsvError(f"line {line}: value {text!r} is not a number") from None
    if not math.isfinite(value):
        raise CsvError(f"line {line}: value {text!r} is not a finite number")
    return value
