"""Result recording: hot-path counters, per-second snapshots, sliding windows, HDR totals.

The hot path only appends a latency (µs) to a list and bumps a few counters. Once per
second ``Recorder.close_second`` turns that list into per-second percentiles (numpy),
keeps it for the sliding threshold window and folds it into the whole-run HDR histogram
(microsecond resolution, 3 significant digits) in a vectorized batch.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from hdrh.histogram import HdrHistogram

HIGHEST_US = 3_600_000_000  # one hour: anything slower is clamped
_PCTS = (50.0, 95.0, 99.0)


@dataclass
class SecondStats:
    """One second of a run, as delivered to ``on_second`` (latencies in milliseconds)."""

    second: int
    elapsed: float
    timestamp: float
    interval: float
    requests: int
    rps: float
    errors: int
    error_rate: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    mean_ms: float | None
    in_flight: int
    started: int
    vus: int | None = None
    target_rate: float | None = None
    dropped: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-serializable dict."""
        return asdict(self)


@dataclass
class RunSummary:
    """Final result of a run; ``as_dict()`` is JSON-serializable."""

    name: str
    executor: str
    status: str
    reason: str
    started_at: float
    duration_s: float
    requests: int
    errors: int
    error_rate: float
    rps: float
    started: int
    dropped: int
    latency_ms: dict[str, float | None]
    errors_by_status_class: dict[str, int]
    errors_by_kind: dict[str, int]
    status_counts: dict[str, int]
    thresholds: list[dict[str, Any]] = field(default_factory=list)
    thresholds_passed: bool = True
    peak_in_flight: int = 0
    seconds: int = 0
    target_requests: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-serializable dict."""
        return asdict(self)


def _ms(us: float | None) -> float | None:
    """Microseconds to rounded milliseconds."""
    return None if us is None else round(us / 1000.0, 3)


def hdr_equivalents(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Collapse µs values to HDR bucket representatives (3 digits) with their counts."""
    values = np.clip(values, 1, HIGHEST_US).astype(np.int64)
    bits = np.floor(np.log2(values)).astype(np.int64) + 1
    shift = np.maximum(bits - 11, 0)
    return np.unique((values >> shift) << shift, return_counts=True)


class Recorder:
    """Collects results; the executors call ``begin``/``response``/``failure``."""

    def __init__(self, expected: frozenset[int], window_seconds: int) -> None:
        """Create empty totals and the sliding window of per-second samples."""
        self.expected = expected
        self.hist = HdrHistogram(1, HIGHEST_US, 3)
        self.status_counts: Counter[int] = Counter()
        self.errors_by_kind: Counter[str] = Counter()
        self.window: deque[tuple[np.ndarray, int, int, float]] = deque(maxlen=window_seconds)
        self.in_flight = self.peak_in_flight = 0
        self.total_requests = self.total_errors = self.total_started = self.total_dropped = 0
        self._reset_second()

    def _reset_second(self) -> None:
        """Start a new per-second bucket."""
        self.lat: list[int] = []
        self.sec_errors = self.sec_failures = self.started = self.dropped = 0

    def response(self, latency_us: int, status: int) -> None:
        """Record a finished HTTP exchange (any status)."""
        self.lat.append(latency_us)
        self.status_counts[status] += 1
        if status not in self.expected:
            self.sec_errors += 1

    def failure(self, kind: str) -> None:
        """Record a request that got no HTTP response (timeout, refused, ...)."""
        self.sec_failures += 1
        self.errors_by_kind[kind] += 1

    def close_second(self, interval: float) -> dict[str, Any]:
        """Finish the current bucket (``interval`` s long); returns ``SecondStats`` fields."""
        arr = np.fromiter(self.lat, dtype=np.int64, count=len(self.lat))
        requests = len(arr) + self.sec_failures
        errors = self.sec_errors + self.sec_failures
        out = {"requests": requests, "errors": errors, **self._percentiles(arr)}
        out.update(started=self.started, dropped=self.dropped, in_flight=self.in_flight)
        self.window.append((arr, requests, errors, interval))
        self._fold(arr, requests, errors)
        self._reset_second()
        return out

    def _fold(self, arr: np.ndarray, requests: int, errors: int) -> None:
        """Add a second's samples to the whole-run totals and histogram."""
        self.total_requests += requests
        self.total_errors += errors
        self.total_started += self.started
        self.total_dropped += self.dropped
        if len(arr):
            record = self.hist.record_value
            for value, count in zip(*hdr_equivalents(arr), strict=True):
                record(int(value), int(count))

    @staticmethod
    def _percentiles(arr: np.ndarray) -> dict[str, float | None]:
        """p50/p95/p99/max/mean of one second, in ms."""
        if not len(arr):
            return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None, "mean_ms": None}
        p50, p95, p99 = np.percentile(arr, _PCTS)
        return {
            "p50_ms": _ms(p50),
            "p95_ms": _ms(p95),
            "p99_ms": _ms(p99),
            "max_ms": _ms(float(arr.max())),
            "mean_ms": _ms(float(arr.mean())),
        }

    def window_lookup(self) -> WindowMetrics:
        """Metrics over the sliding window (the last N closed seconds)."""
        return WindowMetrics(list(self.window))

    def overall_lookup(self, duration: float) -> HistogramMetrics:
        """Metrics over the whole run."""
        return HistogramMetrics(self.hist, self.total_requests, self.total_errors, duration)

    def latency_summary(self) -> dict[str, float | None]:
        """Whole-run latency percentiles in ms."""
        if not self.hist.get_total_count():
            return dict.fromkeys(("p50", "p90", "p95", "p99", "max", "mean", "min"))
        out = {f"p{p:g}": _ms(self.hist.get_value_at_percentile(p)) for p in (50, 90, 95, 99)}
        out["max"] = _ms(self.hist.get_max_value())
        out["mean"] = _ms(self.hist.get_mean_value())
        out["min"] = _ms(self.hist.get_min_value())
        return out

    def errors_by_status_class(self) -> dict[str, int]:
        """Unexpected HTTP statuses grouped as '4xx', '5xx', ..."""
        out: Counter[str] = Counter()
        for status, count in self.status_counts.items():
            if status not in self.expected:
                out[f"{status // 100}xx"] += count
        return dict(out)


class WindowMetrics:
    """Threshold lookup over a list of per-second samples."""

    def __init__(self, samples: list[tuple[np.ndarray, int, int, float]]) -> None:
        """Concatenate the window's latencies."""
        arrays = [s[0] for s in samples if len(s[0])]
        self.lat = np.concatenate(arrays) if arrays else np.empty(0, dtype=np.int64)
        self.requests = sum(s[1] for s in samples)
        self.errors = sum(s[2] for s in samples)
        self.seconds = sum(s[3] for s in samples)

    def __call__(self, metric: str) -> float | None:
        """Value of ``metric`` (ms, fraction or req/s); None when there is no data."""
        if metric == "rps":
            return self.requests / self.seconds if self.seconds else None
        if metric == "error_rate":
            return self.errors / self.requests if self.requests else None
        if not len(self.lat):
            return None
        if metric == "max":
            return float(self.lat.max()) / 1000.0
        if metric == "min":
            return float(self.lat.min()) / 1000.0
        if metric == "mean":
            return float(self.lat.mean()) / 1000.0
        return float(np.percentile(self.lat, float(metric[1:]))) / 1000.0


class HistogramMetrics:
    """Threshold lookup over the whole-run HDR histogram."""

    def __init__(self, hist: HdrHistogram, requests: int, errors: int, duration: float) -> None:
        """Keep the histogram and totals."""
        self.hist, self.requests, self.errors, self.duration = hist, requests, errors, duration

    def __call__(self, metric: str) -> float | None:
        """Value of ``metric`` (ms, fraction or req/s); None when there is no data."""
        if metric == "rps":
            return self.requests / self.duration if self.duration else None
        if metric == "error_rate":
            return self.errors / self.requests if self.requests else None
        if not self.hist.get_total_count():
            return None
        if metric == "max":
            return self.hist.get_max_value() / 1000.0
        if metric == "min":
            return self.hist.get_min_value() / 1000.0
        if metric == "mean":
            return self.hist.get_mean_value() / 1000.0
        return self.hist.get_value_at_percentile(float(metric[1:])) / 1000.0
