"""core.threads: OnceThread (a daemon thread per process, started once) and ForkSafePool."""

from __future__ import annotations

import os
import threading

from core.threads import ForkSafePool, OnceThread


def test_it_starts_once_and_hands_the_target_its_stop_event():
    seen: list[threading.Event] = []
    running = threading.Event()

    def target(stop: threading.Event) -> None:
        seen.append(stop)
        running.set()
        stop.wait(5)

    worker = OnceThread("test-once", target)
    stop = worker.start()
    assert stop is not None and running.wait(5)
    assert worker.start() is None  # a second start starts nothing
    stop.set()
    assert seen == [stop]


def _child_runs(pool: ForkSafePool) -> int:
    try:
        name = pool.submit(lambda: threading.current_thread().name).result(timeout=10)
    except Exception:  # noqa: BLE001 - the child reports by exit code only
        return 1
    return 0 if name.startswith("test-pool") else 2


def test_a_forked_child_gets_a_pool_of_its_own():
    """The parent's pool has its thread; a fork keeps the object, not the thread: without a
    pool of its own the child's work would never run."""
    pool = ForkSafePool(1, "test-pool")
    assert pool.submit(lambda: 42).result(timeout=10) == 42
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os._exit(_child_runs(pool))
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert pool.submit(lambda: 43).result(timeout=10) == 43  # the parent's pool still serves
    pool.shutdown()
