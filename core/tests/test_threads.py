"""core.threads.OnceThread: a daemon thread per process, started once."""

from __future__ import annotations

import threading

from core.threads import OnceThread


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
