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
# name -> (metadata, expires, settled: every series of the name existed and took it)
_applied: dict[str, tuple[SeriesMeta, float, bool]] = {}
_lock = threading.Lock()


def remembered(name: str) -> SeriesMeta | None:
    """The metadata this process last stored for ``name`` (while fresh)."""
    hit = _applied.get(name)
    return hit[0] if hit is not None and hit[1] > time.monotonic() else None


def apply_metadata(meta: dict[str, SeriesMeta]) -> None:
    """Update the series of each name whose type, help or unit differ (caller's transaction)."""
    changed = {name: m for name, m in meta.items() if not _settled(name, m)}
    settled: dict[str, bool] = {}
    for name, m in changed.items():
        rows = Series.objects.filter(name=name)
        updated = rows.exclude(type=m.type, help=m.help, unit=m.unit).update(
            type=m.type, help=m.help, unit=m.unit
        )
        # metadata sent before the name's first series (Prometheus sends it in requests of
        # its own) types the series made here later, but is applied again on its next send
        # in case another process made them meanwhile
        settled[name] = bool(updated) or rows.exists()
    if changed:
        transaction.on_commit(lambda: _remember(changed, settled))


def _settled(name: str, meta: SeriesMeta) -> bool:
    hit = _applied.get(name)
    return hit is not None and hit[0] == meta and hit[2] and hit[1] > time.monotonic()


def _remember(meta: dict[str, SeriesMeta], settled: dict[str, bool]) -> None:
    expires = time.monotonic() + TTL_S
    with _lock:
        if len(_applied) + len(meta) > CACHE_MAX:
            _applied.clear()
        _applied.update({name: (m, expires, settled[name]) for name, m in meta.items()})


def forget_metadata() -> None:
    """Drop what this process remembers (after series are edited by hand, and in tests)."""
    with _lock:
        _applied.clear()
