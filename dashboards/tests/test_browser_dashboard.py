"""The dashboard in a real browser (Debian's Chromium via Playwright) against daphne."""

from __future__ import annotations

import time

import httpx
import pytest
from playwright.sync_api import expect

from core.tests.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def send(base: str, token: str, points: list, host: str = "web-1", name: str = "cpu.usage") -> None:
    body = {"series": [{"name": name, "host": host, "points": points}]}
    response = httpx.post(
        f"{base}/api/v1/metrics/", json=body, headers={"Authorization": f"Token {token}"}
    )
    assert response.status_code == 201, response.text


def test_anonymous_visitors_are_sent_to_login(page, asgi_server, screenshot):
    page.goto(f"{asgi_server}/explore/")
    expect(page).to_have_url(f"{asgi_server}/login/?next=/explore/")
    expect(page.get_by_role("heading", name="Log in to Hydra")).to_be_visible()
    screenshot("login")


def test_log_in_and_see_the_overview_grid(
    page, asgi_server, user, token, screenshot, console_errors
):
    now = time.time()
    for host in ("web-1", "web-2", "db-1"):
        send(asgi_server, token, [[now - 600 + i * 30, 20 + i] for i in range(20)], host=host)
    log_in(page, asgi_server)
    expect(page.locator(".host-card")).to_have_count(3)
    expect(page.locator(".host-card[data-host=web-1] .kpi-value")).to_have_text("39.0")
    page.fill("input[name=q]", "db")
    expect(page.locator(".host-card")).to_have_count(1)
    screenshot("overview")
    assert console_errors == []


def test_a_chart_extends_live_without_reload(
    page, asgi_server, user, token, screenshot, console_errors
):
    now = time.time()
    send(asgi_server, token, [[now - 300 + i * 10, 10.0 + i % 5] for i in range(30)])
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/hosts/web-1/?range=15m")
    chart = page.locator(".hydra-chart").first
    expect(chart).to_have_attribute("data-points", "30")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "open")
    page.evaluate("window.__not_reloaded = true")
    sent = time.monotonic()
    send(asgi_server, token, [[time.time(), 99.0]])
    expect(chart).to_have_attribute("data-points", "31", timeout=5000)
    assert time.monotonic() - sent < 2
    assert page.evaluate("window.__not_reloaded") is True
    screenshot("host-live")
    assert console_errors == []


def test_after_a_disconnect_the_chart_reconnects_and_backfills(
    page, asgi_server, user, token, console_errors
):
    now = time.time()
    send(asgi_server, token, [[now - 300 + i * 10, 1.0] for i in range(30)])
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/hosts/web-1/?range=15m")
    chart = page.locator(".hydra-chart").first
    status = page.locator("#live-status")
    expect(status).to_have_attribute("data-state", "open")
    page.evaluate("HydraLive.dropConnection(1500)")
    expect(status).to_have_attribute("data-state", "closed")
    send(asgi_server, token, [[time.time(), 7.0]])  # sent while the page is offline
    expect(status).to_have_attribute("data-state", "open", timeout=5000)
    expect(chart).to_have_attribute("data-points", "31", timeout=5000)
    assert console_errors == []


def test_a_host_chart_draws_the_forecast_band_when_there_is_one(
    page, asgi_server, user, console_errors
):
    from forecasting import services
    from forecasting.spec import ForecastSpec
    from forecasting.tests.conftest import hourly, ingest

    series = ingest("disk.used", "web-1", hourly(days=4))
    ingest("cpu.usage", "web-1", hourly(days=1))
    spec = ForecastSpec(horizon_seconds=6 * 3600, history_seconds=7 * 86400, model="seasonal_naive")
    assert services.forecast_run(series=series, spec=spec).ok
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/hosts/web-1/?range=24h")
    disk = page.locator(f".hydra-chart[data-series-id='{series.pk}']")
    expect(disk).to_have_attribute("data-forecasts", "1")
    assert (
        page.evaluate(f"document.querySelector(\"[data-series-id='{series.pk}']\").data.length")
        == 4
    )
    cpu = page.locator(".hydra-chart[data-forecast='']")
    expect(cpu).to_have_attribute("data-points", "24")
    assert console_errors == []


def test_build_a_saved_dashboard_with_two_panels(
    page, asgi_server, user, token, screenshot, console_errors
):
    send(asgi_server, token, [[time.time() - i * 10, float(i)] for i in range(30)])
    send(asgi_server, token, [[time.time() - i * 10, float(i)] for i in range(30)], name="mem.used")
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/dashboards/")
    page.fill("#id_title", "Web tier")
    page.fill("#id_variables", "host=web-1")
    page.click("text=Create")
    for title, metric, chart in (("CPU", "cpu.usage", "line"), ("Memory", "mem.used", "area")):
        page.fill("#add-panel #id_title", title)
        page.fill("#add-panel #id_name", metric)
        page.fill("#add-panel #id_host", "$host")
        page.select_option("#add-panel #id_chart", chart)
        page.click("text=Add panel")
    expect(page.locator("#panel-list tbody tr:not(.panel-edit)")).to_have_count(2)
    page.click("text=View")
    page.reload()
    expect(page.locator(".panel")).to_have_count(2)
    expect(page.locator(".panel h2")).to_have_text(["CPU", "Memory"])
    expect(page.locator(".panel .hydra-chart").first).to_have_attribute("data-points", "30")
    screenshot("saved-dashboard")
    assert console_errors == []


def test_explore_keeps_the_query_in_the_url(
    page, asgi_server, user, token, screenshot, console_errors
):
    send(asgi_server, token, [[time.time() - i * 10, float(i)] for i in range(30)])
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/explore/")
    page.fill("input[name=name]", "cpu.usage")
    page.select_option("select[name=agg]", "max")
    page.click("text=Run")
    assert "name=cpu.usage" in page.url and "agg=max" in page.url
    expect(page.locator("#explore-chart")).to_have_attribute("data-points", "30")
    screenshot("explore")
    assert console_errors == []


def test_the_layout_fits_a_phone(page, asgi_server, user, screenshot):
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, asgi_server)
    expect(page.locator("#nav")).to_be_hidden()
    page.click("text=Menu")
    expect(page.locator("#nav")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    screenshot("phone")
