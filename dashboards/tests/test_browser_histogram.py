"""A histogram on a host's page: one chart of p50, p90 and p99 in the browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.tests.helpers import log_in
from dashboards.tests.test_histograms import ingest_histogram
from metrics.models import Series

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


def trace_names(page) -> list[str]:
    return page.evaluate("document.getElementById('explore-chart').data.map(t => t.name)")


def test_explore_draws_a_histograms_buckets_as_percentiles_with_raw_buckets_a_click_away(
    page, asgi_server, user, screenshot, console_errors
):
    ingest_histogram(minutes=30, route="/a")
    ingest_histogram(minutes=30, route="/b")
    Series.objects.filter(name="latency_seconds_bucket").update(type="histogram")
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/explore/?name=latency_seconds_bucket&host=web-1&range=1h")
    chart = page.locator("#explore-chart")
    expect(chart).to_have_attribute("data-view", "percentiles")
    expect(chart).to_have_attribute("data-points", re.compile(r"^[1-9]\d*$"))
    assert trace_names(page) == [f"latency_seconds p{q}@web-1" for q in (50, 90, 99)]
    p50 = page.evaluate("document.getElementById('explore-chart').data[0].y")
    assert p50 and all(abs(v - 0.1) < 1e-9 for v in p50)  # both routes: half ≤ 0.1 s
    toggle = page.locator(".chart-source-toggle")
    expect(toggle).to_have_text("p50 / p90 / p99 · show raw buckets")
    screenshot("explore-percentiles")
    toggle.click()
    expect(chart).to_have_attribute("data-view", "buckets")
    expect(chart).to_have_attribute("data-rate", "1")  # buckets count: their rates
    expect(toggle).to_have_text("raw buckets · show percentiles")
    assert len(trace_names(page)) == 8  # 4 buckets × 2 routes
    title = "document.getElementById('explore-chart').layout.title"
    assert page.evaluate(f"{title} && {title}.text") in (None, "")
    expect(page.locator(".chart-rate-toggle").first).to_be_visible()
    screenshot("explore-buckets")
    toggle.click()
    expect(chart).to_have_attribute("data-view", "percentiles")
    expect(page.locator(".chart-rate-toggle").first).to_be_hidden()
    assert len(trace_names(page)) == 3
    assert console_errors == []
