"""Embedded mode: the web process scrapes in a thread (``HYDRA_SCRAPE_IN_WEB``, started by
``hydra.asgi``), and picks up a target added while it runs."""

from __future__ import annotations

import time

import pytest

from conftest import start_daphne_process
from metrics.models import Point
from prom.models import ScrapeTarget
from prom.tests.metrics_server import metrics_server

pytestmark = pytest.mark.django_db(transaction=True)


def _scrape_in_web() -> None:
    from datetime import timedelta

    from django.conf import settings

    settings.HYDRA_SCRAPE_IN_WEB = True
    settings.HYDRA_SCRAPE_RELOAD = timedelta(seconds=0.3)
    import hydra.asgi  # noqa: F401  (starts the thread on first import)
    from prom.scraper import runner

    runner.start_in_thread()  # already running if hydra.asgi was imported just now


def test_the_web_process_scrapes_targets_in_a_thread():
    with metrics_server() as (expo, base):
        expo.body = b"# TYPE jobs_total counter\njobs_total 3\n"
        process, _ = start_daphne_process(extra_setup=_scrape_in_web)
        try:
            ScrapeTarget.objects.create(job="app", url=f"{base}/metrics", interval_ms=1000)
            deadline = time.monotonic() + 20
            while not Point.objects.filter(series__name="jobs_total").exists():
                assert time.monotonic() < deadline, "the web process did not scrape"
                time.sleep(0.2)
        finally:
            process.terminate()
            process.join(timeout=10)
    assert ScrapeTarget.objects.get().health == "up"
    assert Point.objects.filter(series__name="up").first().value == 1
