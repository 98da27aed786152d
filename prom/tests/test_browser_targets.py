"""The Targets page in a real browser: a scraped target shows up, then goes down live."""

from __future__ import annotations

import asyncio
import threading

import pytest
from django.db import connection
from playwright.sync_api import expect

from core.tests.helpers import log_in
from prom.models import ScrapeTarget
from prom.scraper.runner import make_scraper
from prom.tests.metrics_server import metrics_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def scrape_in_thread(scraper) -> None:
    """One scrape, in a thread (Playwright's event loop owns this one)."""

    def work() -> None:
        try:
            asyncio.run(scraper.once())
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=30)


def test_the_targets_page_shows_state_and_updates_live(
    page, asgi_server, user, screenshot, console_errors
):
    with metrics_server() as (expo, base):
        expo.body = b"# TYPE hits_total counter\nhits_total 7\n"
        ScrapeTarget.objects.create(job="demo", url=f"{base}/metrics", labels={"env": "demo"})
        ScrapeTarget.objects.create(job="node", url="http://127.0.0.1:9/metrics")
        scraper = make_scraper()
        scrape_in_thread(scraper)
        log_in(page, asgi_server)
        page.click("nav >> text=Targets")
        demo = page.locator("section[data-job='demo'] .target-row")
        expect(demo.locator(".target-state")).to_have_text("up")
        expect(demo.locator(".target-samples")).to_have_text("1")
        expect(page.locator("section[data-job='node'] .target-state")).to_have_text("down")
        screenshot("up")
        expo.status = 503
        scrape_in_thread(scraper)
        expect(demo.locator(".target-state")).to_have_text("down", timeout=10_000)
        expect(demo.locator(".target-error")).to_contain_text("HTTP status 503")
        screenshot("down")
    assert console_errors == []
