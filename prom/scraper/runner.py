"""Run the scraper: in its own process (``manage.py scrape``) or, in embedded mode, in a
thread of the web process (``hydra.asgi`` starts it when ``HYDRA_SCRAPE_IN_WEB``)."""

from __future__ import annotations

import asyncio
import logging
import threading

from django.conf import settings

from core.threads import OnceThread
from prom.scraper.loop import Scraper, Shard
from prom.scraper.targets import load_targets
from prom.scraper.writer import write_results

logger = logging.getLogger(__name__)


def make_scraper(shard: Shard = (0, 1), **options) -> Scraper:
    options.setdefault("reload_s", settings.HYDRA_SCRAPE_RELOAD.total_seconds())
    options.setdefault("max_bytes", settings.HYDRA_SCRAPE_MAX_BYTES)
    return Scraper(load=load_targets, write=write_results, shard=shard, **options)


def run(stop: threading.Event, shard: Shard = (0, 1), **options) -> Scraper:
    """Scrape until ``stop`` is set (blocking); returns the scraper (its counters)."""
    scraper = make_scraper(shard, **options)
    asyncio.run(scraper.run(stop))
    return scraper


_SCRAPER = OnceThread("hydra-scrape", run)


def start_in_thread() -> threading.Event | None:
    """Embedded mode: scrape in a daemon thread of this process, once; its stop event."""
    return _SCRAPER.start()
