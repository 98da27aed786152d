"""Threads that belong to this process: a daemon thread started at most once (embedded mode's
beat and scraper) and a thread pool that survives a fork."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

logger = logging.getLogger(__name__)


class OnceThread:
    """``start()`` runs ``target(stop)`` in a daemon thread the first time it is called and
    returns the ``stop`` event; later calls return None."""

    def __init__(self, name: str, target: Callable[[threading.Event], object]) -> None:
        self.name, self.target = name, target
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> threading.Event | None:
        with self._lock:
            if self._thread is not None:
                return None
            stop = threading.Event()
            self._thread = threading.Thread(
                target=self.target, args=(stop,), name=self.name, daemon=True
            )
            self._thread.start()
            logger.info("%s started", self.name)
            return stop


class ForkSafePool(ThreadPoolExecutor):
    """A ``ThreadPoolExecutor`` of this process. A fork keeps the parent's pool object but
    none of its threads, so work queued to it in the child would wait forever (a server
    forked from a process that had used the pool: a preloading server, the tests' daphne);
    the first submit in a new process makes it a pool of the new process."""

    _reset = threading.Lock()

    def __init__(self, workers: int, prefix: str) -> None:
        super().__init__(workers, thread_name_prefix=prefix)
        self._args, self._pid = (workers, prefix), os.getpid()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        if self._pid != os.getpid():
            with self._reset:
                if self._pid != os.getpid():
                    super().__init__(self._args[0], thread_name_prefix=self._args[1])
                    self._pid = os.getpid()
        return super().submit(fn, *args, **kwargs)
