"""One way to queue a task, whatever the mode.

Full mode sends it to the Celery broker (Redis). Embedded mode runs it in this
process on a small thread pool, so the web process never blocks and live updates
published by tasks reach the in-process channel layer.
"""

from __future__ import annotations

import importlib
import logging
from concurrent.futures import Future

from celery import Task, current_app
from django.conf import settings
from django.db import close_old_connections

from core.threads import ForkSafePool

logger = logging.getLogger(__name__)
_pool: ForkSafePool | None = None


def _executor() -> ForkSafePool:
    global _pool
    if _pool is None:
        _pool = ForkSafePool(settings.HYDRA_EMBEDDED_WORKERS, "hydra-task")
    return _pool


def _run_in_process(task: Task, args: tuple, kwargs: dict) -> None:
    close_old_connections()
    try:
        result = task.apply(args=args, kwargs=kwargs)
        if result.failed():
            logger.error("task %s failed: %r", task.name, result.result)
    finally:
        close_old_connections()


def task_named(name: str) -> Task:
    """The registered task ``name`` (``"<app>.tasks.<function>"``), importing its module if
    no one has yet: services queue tasks by name, so they never import their app's tasks."""
    if name not in current_app.tasks:
        importlib.import_module(name.rsplit(".", 1)[0])
    return current_app.tasks[name]


def enqueue(task: Task | str, *args, **kwargs) -> Future | None:
    """Queue ``task(*args, **kwargs)``: to the broker in full mode, to the pool in embedded mode.
    ``task`` is a task or its registered name."""
    if isinstance(task, str):
        task = task_named(task)
    if settings.HYDRA_EMBEDDED_TASKS:
        return _executor().submit(_run_in_process, task, args, kwargs)
    task.apply_async(args=args, kwargs=kwargs)
    return None
