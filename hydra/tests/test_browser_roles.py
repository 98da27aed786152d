"""A viewer in a real browser: the alerts page, and a row that arrives live while they
watch, carry no action buttons (static/hydra/alerts.js drops them); their role is shown."""

from __future__ import annotations

import time

import httpx
import pytest
from playwright.sync_api import expect

from alerts.tests.conftest import make_rule
from core.services import api_token_create
from core.tests.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_viewer_watches_an_alert_fire_without_buttons_to_act_on_it(
    page, asgi_server_with_tasks, owner, viewer, screenshot, console_errors
):
    base = asgi_server_with_tasks
    token = api_token_create(user=owner)[1]
    make_rule(name="latency high", metric="http.latency.p95", agg="max", threshold=500.0)
    log_in(page, base, "charlie", "charlie-pass-123")
    expect(page.locator("#user-role")).to_have_text("viewer")
    page.goto(f"{base}/alerts/?state=all")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "open")
    now = time.time()
    body = {"name": "http.latency.p95", "host": "api-1", "value": 900.0, "timestamp": now}
    response = httpx.post(
        f"{base}/api/v1/metrics/", json=body, headers={"Authorization": f"Token {token}"}
    )
    assert response.status_code == 201
    row = page.locator("tr.alert-row", has_text="latency high")
    expect(row).to_have_attribute("data-state", "firing", timeout=25_000)
    expect(row.locator("button")).to_have_count(0)
    expect(row.locator("form")).to_have_count(0)
    screenshot("viewer-alerts")
    assert console_errors == []
