"""CSV in, scores out, for ``manage.py detect_anomalies`` (reading: ``core.csvio``)."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from alerts.detectors import get_detector
from core.csvio import CsvError, read_points

__all__ = ["CsvError", "score_csv"]


def check_order(times: list[datetime]) -> None:
    """Scoring is one causal pass: one time style, strictly in order."""
    if len({t.tzinfo is None for t in times}) > 1:
        raise CsvError("timestamps mix time zones and no time zone; use one style")
    for i in range(1, len(times)):
        if times[i] < times[i - 1]:
            raise CsvError(f"line {i + 2}: timestamps must be in increasing order")


def score_csv(src: Path, dst: Path, detector: str, sensitivity: float = 0.5) -> tuple[int, int]:
    """Score ``src`` in one causal pass; write ``dst``; return (rows, anomalies)."""
    points = read_points(src)
    check_order(points.times)
    result = get_detector(detector, sensitivity=sensitivity).update(points.times, points.values)
    with dst.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["timestamp", "value", "anomaly_score", "is_anomaly"])
        for stamp, value, score, flag in zip(
            points.raw, points.values, result.score, result.is_anomaly, strict=True
        ):
            writer.writerow([stamp, repr(value), f"{float(score):.6f}", int(bool(flag))])
    return len(points.values), int(result.is_anomaly.sum())
