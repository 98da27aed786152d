"""What a running load test writes each second, from the worker.

Each second becomes: points of the run's Hydra series (``scenario.rps``,
``scenario.latency.p50|p95|p99``, ``scenario.errors``; labels ``run`` and ``scenario``),
the run row's live state and heartbeat, and one ``run:<id>`` live message. The engine's
event loop must not block on the database, so the writes go to one dedicated thread
(one database connection), which is closed when the run ends.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.db import close_old_connections, connection
from django.utils import timezone

from core.live import publish
from metrics.ingest import Batch
from metrics.services import points_ingest
from scenarios.engine import SecondStats
from scenarios.models import ScenarioRun
from scenarios.payloads import RunProgress, RunSecond

SERIES = (
    ("scenario.rps", "rps"),
    ("scenario.latency.p50", "p50_ms"),
    ("scenario.latency.p95", "p95_ms"),
    ("scenario.latency.p99", "p99_ms"),
    ("scenario.errors", "errors"),
)


def run_second(stats: SecondStats) -> RunSecond:
    """The compact per-second shape pages draw."""
    return RunSecond(
        t=round(stats.timestamp, 3),
        elapsed=stats.elapsed,
        rps=stats.rps,
        p50=stats.p50_ms,
        p95=stats.p95_ms,
        p99=stats.p99_ms,
        errors=stats.errors,
        error_rate=stats.error_rate,
        vus=stats.vus,
        target_rate=stats.target_rate,
        in_flight=stats.in_flight,
    )


def second_batch(stats: SecondStats, labels: dict[str, str]) -> Batch:
    """The second's values as a metrics batch (latencies skipped when nothing finished)."""
    batch = Batch()
    key_labels = tuple(sorted(labels.items()))
    ts_us = int(stats.timestamp * 1_000_000)
    for name, attr in SERIES:
        value = getattr(stats, attr)
        if value is not None:
            batch.add(batch.series_position((name, "", key_labels)), ts_us, float(value))
    return batch


def mark_window_states(results: list[dict[str, Any]], before: dict[str, int]) -> None:
    """Flag thresholds whose sliding window failed since the last second (in place)."""
    for row in results:
        row["failing_now"] = row["window_failures"] > before.get(row["threshold"], 0)
        before[row["threshold"]] = row["window_failures"]


class SecondWriter:
    """Runs database work for an engine callback on one thread with its own connection."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="hydra-loadgen-db")
        self.cancel = threading.Event()

    async def call(self, fn, *args) -> Any:
        """Run ``fn(*args)`` on the writer thread without blocking the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)

    def submit(self, fn, *args) -> Future:
        """Queue ``fn(*args)`` on the writer thread and return at once (writes stay in
        order; ``close`` waits for the queued ones)."""
        return self.pool.submit(fn, *args)

    def close(self) -> None:
        """Close the thread's database connection and stop the thread."""
        self.pool.submit(lambda: connection.close()).result()  # the thread's own connection
        self.pool.shutdown(wait=True)


def progress(run_id: int, status: str, **parts: Any) -> RunProgress:
    return RunProgress(
        type="run_progress",
        run=run_id,
        status=status,
        second=parts.get("second"),
        thresholds=parts.get("thresholds", []),
        summary=parts.get("summary"),
    )


def record_run_second(run, stats: SecondStats, thresholds: list[dict[str, Any]]) -> bool:
    """Store and publish one second of ``run``; True when a cancel was requested."""
    close_old_connections()
    points_ingest(batch=second_batch(stats, run.labels))
    second = run_second(stats)
    now = timezone.now()
    live = {"second": second, "thresholds": thresholds, "seconds": stats.second}
    rows = ScenarioRun.objects.filter(pk=run.pk)
    rows.update(live=live, heartbeat_at=now)
    message = progress(run.pk, run.status, second=second, thresholds=thresholds)
    publish([(f"run:{run.pk}", {"type": "run.progress", "payload": message})])
    return bool(rows.filter(cancel_requested=True).exists())
