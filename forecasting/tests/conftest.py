"""Shared fixtures of the forecasting tests (the pure model tests use none of them)."""

from __future__ import annotations

import math
import time

import pytest

from metrics.ingest import Batch
from metrics.models import Series
from metrics.services import points_ingest

US = 1_000_000
HOUR = 3600


@pytest.fixture
def _tasks_inline(settings):
    """Queued tasks run inline (Celery's eager mode) in both modes; still via ``enqueue``."""
    from hydra.celery import app

    settings.HYDRA_EMBEDDED_TASKS = False
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def hourly(days: float = 4, level: float = 50.0, slope: float = 0.0, end: float | None = None):
    """(epoch s, value) hourly points with a daily cycle, ending at the last full hour."""
    end = end if end is not None else (time.time() // HOUR) * HOUR
    n = int(days * 24)
    return [
        (end - (n - 1 - i) * HOUR, level + slope * i + 10 * math.sin(2 * math.pi * i / 24))
        for i in range(n)
    ]


def ingest(name: str, host: str, points) -> Series:
    """Write (epoch seconds, value) points through the metrics ingestion service."""
    batch = Batch()
    pos = batch.series_position((name, host, ()))
    for t, v in points:
        batch.add(pos, int(t * US), float(v))
    points_ingest(batch=batch)
    return Series.objects.get(name=name, host=host)
