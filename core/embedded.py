"""Embedded mode's beat: django-celery-beat's own scheduler, in a thread of the web process.

The schedule is the same one ``celery beat`` uses in full mode (settings plus what the
admin edits); only the transport differs: due tasks go to ``core.dispatch.enqueue``.
"""

from __future__ import annotations

import logging
import threading

from celery import current_app as app
from django_celery_beat.schedulers import DatabaseScheduler

from core.dispatch import enqueue
from core.threads import OnceThread

logger = logging.getLogger(__name__)


class EmbeddedScheduler(DatabaseScheduler):
    """Sends due entries to the in-process pool instead of a broker."""

    producer = None  # no broker connection is ever made

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        entry = self.reserve(entry) if advance else entry
        task = self.app.tasks.get(entry.task)
        if task is None:
            logger.error("embedded beat: unknown task %s", entry.task)
            return None
        enqueue(task, *(entry.args or ()), **(entry.kwargs or {}))
        return None


def _loop(stop: threading.Event) -> None:
    app.loader.import_default_modules()  # runs autodiscover: every app's tasks.py
    scheduler = EmbeddedScheduler(app=app)
    while not stop.is_set():
        try:
            interval = scheduler.tick()
        except Exception:
            logger.exception("embedded beat tick failed")
            interval = 5.0
        stop.wait(min(interval or 1.0, 5.0))


_BEAT = OnceThread("hydra-beat", _loop)


def start() -> threading.Event | None:
    """Start the embedded beat once per process; returns its stop event."""
    return _BEAT.start()
