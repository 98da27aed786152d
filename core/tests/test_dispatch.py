"""core.dispatch: embedded mode's in-process task pool (a pool that survives a fork:
``core/tests/test_threads.py``)."""

from __future__ import annotations

import threading

import pytest
from celery import shared_task

from core import dispatch

# the pool's thread closes stale connections around each task, as in production
pytestmark = pytest.mark.django_db
RAN: list[str] = []


@shared_task(name="core.tests.test_dispatch.note")
def note(word: str) -> None:
    RAN.append(f"{word} in {threading.current_thread().name}")


@pytest.fixture
def embedded(settings):
    settings.HYDRA_EMBEDDED_TASKS = True
    RAN.clear()


def test_a_task_runs_on_the_pool_by_name(embedded):
    dispatch.enqueue("core.tests.test_dispatch.note", "hello").result(timeout=10)
    assert len(RAN) == 1 and RAN[0].startswith("hello in hydra-task")
