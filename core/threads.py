"""A daemon thread of this process started at most once (embedded mode's beat and scraper)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

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
