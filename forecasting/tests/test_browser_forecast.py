"""The forecast page in a real browser (Chromium via Playwright) against daphne."""

from __future__ import annotations

import threading

import httpx
import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect

from core.services import api_token_create
from core.tests.helpers import log_in
from forecasting import services
from forecasting.spec import ForecastSpec

from .conftest import HOUR, hourly, ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SPEC = ForecastSpec(horizon_seconds=12 * HOUR, history_seconds=7 * 86400, model="seasonal_naive")


def _forecast_and_close(series) -> None:
    try:
        services.forecast_run(series=series, spec=SPEC)
    finally:
        connection.close()


def run_again(base: str, user, series) -> None:
    """A new forecast: made here when Redis carries live updates to daphne (in a thread:
    Playwright's event loop owns this one), else through the API so daphne's in-process
    task pool runs and publishes it."""
    if settings.REDIS_URL:
        worker = threading.Thread(target=_forecast_and_close, args=(series,))
        worker.start()
        worker.join(timeout=30)
        return
    headers = {"Authorization": f"Token {api_token_create(user=user)[1]}"}
    body = {"series": series.pk, "model": "seasonal_naive", "horizon_seconds": 12 * HOUR}
    response = httpx.post(f"{base}/api/v1/predictions/run", json=body, headers=headers)
    assert response.status_code == 202, response.text


def test_the_forecast_page_draws_the_bands_and_updates_live(
    page, asgi_server, user, screenshot, console_errors
):
    series = ingest("cpu.usage", "web-1", hourly(days=4))
    first = services.forecast_run(series=series, spec=SPEC)
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/forecasts/{series.pk}/")
    chart = page.locator("#forecast-chart")
    expect(chart).to_have_attribute("data-traces", "6")  # history, two bands, forecast
    expect(chart).to_have_attribute("data-forecast-points", "12")
    data = "document.getElementById('forecast-chart').data"
    assert page.evaluate(f"{data}[2].fill") == page.evaluate(f"{data}[4].fill") == "tonexty"
    assert page.evaluate(f"{data}[2].name") == "95 % interval"
    assert page.evaluate(f"{data}[4].name") == "80 % interval"
    expect(chart).to_have_attribute("data-forecast-id", str(first.pk))
    expect(page.locator("#live-status")).to_have_attribute("data-state", "open")
    page.evaluate("window.__not_reloaded = true")
    run_again(asgi_server, user, series)
    expect(chart).not_to_have_attribute("data-forecast-id", str(first.pk), timeout=15000)
    assert page.evaluate("window.__not_reloaded") is True
    screenshot("forecast")
    assert console_errors == []


def test_forecast_now_shows_the_run_going_and_the_result_arriving(
    page, asgi_server_with_tasks, user, screenshot, console_errors
):
    base = asgi_server_with_tasks
    series = ingest("cpu.usage", "web-1", hourly(days=4))
    log_in(page, base)
    page.goto(f"{base}/forecasts/{series.pk}/")
    chart, status = page.locator("#forecast-chart"), page.locator(".run-status")
    expect(chart).to_have_attribute("data-forecast-points", "0")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "open")
    page.evaluate("window.__not_reloaded = true")
    page.click("button.run-now")
    expect(status).to_have_attribute("data-status", "ok", timeout=30000)
    expect(status).to_contain_text("Forecast done")
    expect(chart).not_to_have_attribute("data-forecast-points", "0")
    expect(page.locator("#backtest-table")).to_be_visible()
    assert page.evaluate("window.__not_reloaded") is True
    screenshot("done")
    assert console_errors == []


def test_a_failed_run_shows_its_reason_without_a_reload(page, asgi_server_with_tasks, user):
    base = asgi_server_with_tasks
    series = ingest("cpu.usage", "web-1", hourly(days=0.2))  # 4 hourly points
    log_in(page, base)
    page.goto(f"{base}/forecasts/")
    expect(page.locator("#forecast-table")).to_contain_text("No forecasts yet")
    page.goto(f"{base}/forecasts/{series.pk}/")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "open")
    page.click("button.run-now")
    status = page.locator(".run-status")
    expect(status).to_have_attribute("data-status", "error", timeout=30000)
    expect(status).to_contain_text("too short")
