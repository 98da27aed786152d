"""Metric metadata (type, help, unit) from senders onto the series rows of each metric name.

Prometheus sends metadata once a minute in requests of their own, OTLP with every request:
what a process has already stored is remembered, so an unchanged description costs no
query. Series created later take it at creation (``series_ids``).
"""

from __future__ import annotations

import threading

from django.db import transaction

from metrics.ingest.batch import SeriesMeta
from metrics.models import Series

CACHE_MAX = 100_000
_applied: dict[str, SeriesMeta] = {}
_lock = threading.Lock()


def apply_metadata(meta: dict[str, SeriesMeta]) -> None:
    """Update the series of each name whose type, help or unit differ (caller's transaction)."""
    changed = {name: m for name, m in meta.items() if _applied.get(name) != m}
    for name, m in changed.items():
        Series.objects.filter(name=name).exclude(type=m.type, help=m.help, unit=m.unit).update(
            type=m.type, help=m.help, unit=m.unit
        )
    if changed:
        transaction.on_commit(lambda: _remember(changed))


def _remember(meta: dict[str, SeriesMeta]) -> None:
    with _lock:
        if len(_applied) + len(meta) > CACHE_MAX:
            _applied.clear()
        _applied.update(meta)


def forget_metadata() -> None:
    """Drop what this process remembers (after series are edited by hand, and in tests)."""
    with _lock:
        _applied.clear()
