"""The seeded demo in a real browser, a quarter of an hour after the first start: every
page has something to show (screenshots in test-artifacts/)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.tests.helpers import log_in
from dashboards.models import Dashboard
from dashboards.tests.demo_data import play_demo
from metrics.models import Series

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(asgi_server, user):
    """The demo played forward (before the browser starts: its event loop would keep the
    live publishes of this thread from running), then a logged-in page."""
    play_demo(owner=user)
    return asgi_server


@pytest.fixture
def logged_in(demo, page):
    log_in(page, demo)
    return demo


def test_the_alerts_and_anomalies_pages_show_what_the_incidents_did(logged_in, page, screenshot):
    page.goto(f"{logged_in}/alerts/?state=all")
    rows = page.locator("tbody tr")
    expect(rows.first).to_be_visible()
    for rule in ("CPU above 90 %", "host stopped reporting", "traffic surge"):
        expect(page.locator("main")).to_contain_text(f"Demo · {rule}")
    screenshot("alerts")
    page.goto(f"{logged_in}/alerts/anomalies/")
    expect(page.locator(".anomaly-row").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("http.latency.p95")
    screenshot("anomalies")


def test_the_forecasts_pages_show_a_forecast_with_its_backtest(logged_in, page, screenshot):
    page.goto(f"{logged_in}/forecasts/")
    expect(page.locator("#forecast-table")).to_contain_text("memory.used@host-002")
    screenshot("forecasts")
    memory = Series.objects.get(name="memory.used", host="host-002")
    page.goto(f"{logged_in}/forecasts/{memory.pk}/")
    chart = page.locator("#forecast-chart")
    expect(chart).not_to_have_attribute("data-forecast-points", "0")
    expect(page.locator("#backtest-table")).to_be_visible()
    expect(page.locator("#backtest-table .badge.ok").first).to_have_text("used")
    page.fill("#id_threshold", "90")
    page.select_option("#id_bound", "upper")
    page.click("text=Check")
    expect(page.locator("#breach-result")).to_contain_text("Crosses 90")
    screenshot("forecast")  # docs/screenshot-forecast.png


def test_the_scenarios_and_dashboards_pages_have_the_demos(logged_in, page, screenshot):
    page.goto(f"{logged_in}/scenarios/")
    expect(page.locator("main")).to_contain_text("Demo · home page, 200 req/s")
    screenshot("scenarios")
    page.goto(f"{logged_in}/dashboards/")
    expect(page.locator("main")).to_contain_text("Demo · one host")
    screenshot("dashboards")
    page.goto(f"{logged_in}/dashboards/{Dashboard.objects.get().pk}/")
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=15000)
    expect(page.locator("main")).to_contain_text("CPU of host-006")
    screenshot("dashboard")


def test_the_overview_marks_the_host_at_full_cpu(logged_in, page, screenshot):
    page.goto(f"{logged_in}/")
    card = page.locator(".host-card[data-host='host-006']")
    expect(card).to_be_visible()
    expect(card).not_to_have_attribute("data-status", "ok")
    screenshot("overview")
