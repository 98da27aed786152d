"""CSV in, scores out, for ``manage.py detect_anomalies`` (clear errors for bad files)."""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime
from pathlib import Path

from alerts.detectors import get_detector


class CsvError(ValueError):
    """A problem with the input, worded for the person who made the file."""


def read_points(path: Path) -> tuple[list[str], list[datetime], list[float]]:
    """(raw timestamp strings, parsed timestamps, values); raises ``CsvError``."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise CsvError(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader, [])]
        if "timestamp" not in header or "value" not in header:
            raise CsvError(
                f"{path}: the header must have 'timestamp' and 'value' columns, got {header}"
            )
        ti, vi = header.index("timestamp"), header.index("value")
        raw, times, values = [], [], []
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            stamp, value = _cell(row, ti, line, "timestamp"), _cell(row, vi, line, "value")
            raw.append(stamp)
            times.append(parse_timestamp(stamp, line))
            values.append(parse_value(value, line))
    if not values:
        raise CsvError(f"{path}: no data rows")
    _check_order(times)
    return raw, times, values


def _cell(row: list[str], index: int, line: int, name: str) -> str:
    if index >= len(row) or not row[index].strip():
        raise CsvError(f"line {line}: missing {name}")
    return row[index].strip()


def parse_timestamp(text: str, line: int) -> datetime:
    """ISO 8601 / 'YYYY-MM-DD HH:MM:SS' (naive = local wall clock), or epoch seconds."""
    try:
        return datetime.fromtimestamp(float(text), tz=UTC)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
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


def _check_order(times: list[datetime]) -> None:
    kinds = {t.tzinfo is None for t in times}
    if len(kinds) > 1:
        raise CsvError("timestamps mix time zones and no time zone; use one style")
    for i in range(1, len(times)):
        if times[i] < times[i - 1]:
            raise CsvError(f"line {i + 2}: timestamps must be in increasing order")


def score_csv(src: Path, dst: Path, detector: str, sensitivity: float = 0.5) -> tuple[int, int]:
    """Score ``src`` in one causal pass; write ``dst``; return (rows, anomalies)."""
    raw, times, values = read_points(src)
    result = get_detector(detector, sensitivity=sensitivity).update(times, values)
    with dst.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["timestamp", "value", "anomaly_score", "is_anomaly"])
        for stamp, value, score, flag in zip(
            raw, values, result.score, result.is_anomaly, strict=True
        ):
            writer.writerow([stamp, repr(value), f"{float(score):.6f}", int(bool(flag))])
    return len(values), int(result.is_anomaly.sum())
