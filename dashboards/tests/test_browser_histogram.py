"""A histogram on a host's page: one chart of p50, p90 and p99 in the browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.tests.helpers import log_in
from dashboards.tests.test_histograms import ingest_histogram

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_histogram_is_drawn_as_three_percentile_lines(
    page, asgi_server, user, screenshot, console_errors
):
    ingest_histogram(minutes=30)
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/hosts/web-1/?range=1h")
    chart = page.locator(".hydra-chart[data-source='histogram']")
    expect(chart).to_have_count(1)
    expect(chart).to_have_attribute("data-points", re.compile(r"^[1-9]\d*$"))
    names = page.evaluate(
        "document.querySelector(\".hydra-chart[data-source='histogram']\").data.map(t => t.name)"
    )
    assert names == [f"latency_seconds p{q}@web-1{{route=/a}}" for q in (50, 90, 99)]
    screenshot("histogram")
    assert console_errors == []
