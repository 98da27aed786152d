"""What a demo target served, interval by interval: request rate, p95 latency, server
errors and its own CPU — the "server's metrics" a run page shows beside the load."""

from __future__ import annotations

import threading
import time

import numpy as np


class ServedStats:
    """Thread-safe per-interval counters; ``take()`` returns the interval's figures and
    starts the next one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started, self._cpu = time.monotonic(), time.process_time()
        self._latencies: list[float] = []
        self._errors = 0

    def record(self, ms: float, status: int) -> None:
        with self._lock:
            self._latencies.append(ms)
            self._errors += status >= 500

    def take(self) -> dict[str, float]:
        """``{"http.requests": req/s, "http.latency.p95": ms, "http.errors": req/s,
        "cpu.usage": % of one core}`` since the last call (no latency without requests)."""
        now, cpu = time.monotonic(), time.process_time()
        with self._lock:
            latencies, errors = self._latencies, self._errors
            elapsed, used = now - self._started, cpu - self._cpu
            self._latencies, self._errors, self._started, self._cpu = [], 0, now, cpu
        elapsed = max(elapsed, 1e-9)
        out = {
            "http.requests": len(latencies) / elapsed,
            "http.errors": errors / elapsed,
            "cpu.usage": 100.0 * used / elapsed,
        }
        if latencies:
            out["http.latency.p95"] = float(np.percentile(latencies, 95))
        return {k: round(v, 4) for k, v in out.items()}
