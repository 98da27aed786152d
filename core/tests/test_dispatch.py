"""core.dispatch: embedded mode's in-process task pool."""

from __future__ import annotations

import os
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


def _child_runs_a_task() -> int:
    try:
        dispatch.enqueue(note, "child").result(timeout=10)
    except Exception:  # noqa: BLE001 - the child reports by exit code only
        return 1
    return 0 if RAN[-1].startswith("child in hydra-task") else 2


def test_a_forked_child_gets_a_pool_of_its_own(embedded):
    """A fork keeps the parent's pool object but none of its threads: a server forked from
    a process that had queued tasks (a preloading server, the tests' daphne) would queue
    into a pool no thread serves, and its tasks would never run."""
    dispatch.enqueue(note, "parent").result(timeout=10)  # the parent's pool has its thread
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os._exit(_child_runs_a_task())
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
