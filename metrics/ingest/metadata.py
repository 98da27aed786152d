"""Metric metadata (type, help, unit) from senders onto the series rows of each metric name.

Prometheus sends metadata once a minute in requests of their own, OTLP with every request:
what a process has stored in the last ``TTL_S`` seconds is remembered, so an unchanged
description costs no query; series created later take it at creation (``series_ids``), and
the periodic re-apply types series another process created before the metadata came.
"""

from __future__ import annotations

import threading
import time

from django.db import transaction

from metrics.ingest.batch import SeriesMeta
from metrics.models import Series

TTL_S = 600
CACHE_MAX = 100_000
_applied: dict[str, tuple[SeriesMeta, float]] = {}  # name -> (metadata, expires)
_lock = threading.Lock()


def remembered(name: str) -> SeriesMeta | None:
    """The metadata this process last stored for ``name`` (while fresh)."""
    hit = _applied.get(name)
    return hit[0] if hit is not None and hit[1] > time.monotonic() else None


def apply_metadata(meta: dict[str, SeriesMeta]) -> None:
    """Update the series of each name whose type, help or unit differ (caller's transaction)."""
    changed = {name: m for name, m in meta.items() if remembered(name) != m}
    for name, m in changed.items():
        Series.objects.filter(name=name).exclude(type=m.type, help=m.help, unit=m.unit).update(
            type=m.type, help=m.help, unit=m.unit
        )
    if changed:
        transaction.on_commit(lambda: _remember(changed))


def _remember(meta: dict[str, SeriesMeta]) -> None:
    expires = time.monotonic() + TTL_S
    with _lock:
        if len(_applied) + len(meta) > CACHE_MAX:
            _applied.clear()
        _applied.update({name: (m, expires) for name, m in meta.items()})


def forget_metadata() -> None:
    """Drop what this process remembers (after series are edited by hand, and in tests)."""
    with _lock:
        _applied.clear()
