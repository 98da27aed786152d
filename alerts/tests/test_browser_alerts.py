"""An alert fired by points sent through the API appears live; acknowledge it in place."""

from __future__ import annotations

import time

import httpx
import pytest
from playwright.sync_api import expect

from alerts.tests.conftest import make_rule
from core.services import api_token_create, user_role_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_threshold_crossing_appears_live_and_is_acknowledged_in_place(
    page, asgi_server_with_tasks, django_user_model, screenshot, console_errors
):
    base = asgi_server_with_tasks
    user = django_user_model.objects.create_user("dave", password="dave-pass-123")
    user_role_set(user=user, role="editor")
    token = api_token_create(user=user)[1]
    make_rule(name="latency high", metric="http.latency.p95", agg="max", threshold=500.0)
    page.goto(f"{base}/login/?next=/alerts/")
    page.fill("#id_username", "dave")
    page.fill("#id_password", "dave-pass-123")
    page.click("button[type=submit]")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "open")
    page.evaluate("window.__not_reloaded = true")
    now = time.time()
    body = {
        "series": [
            {
                "name": "http.latency.p95",
                "host": "api-1",
                "points": [[now - 5, 120.0], [now, 900.0]],
            }
        ]
    }
    response = httpx.post(
        f"{base}/api/v1/metrics/", json=body, headers={"Authorization": f"Token {token}"}
    )
    assert response.status_code == 201
    row = page.locator("tr.alert-row", has_text="latency high")
    # rules are claimed at most once per evaluation interval (15 s), so allow for one lease
    expect(row).to_have_attribute("data-state", "firing", timeout=25_000)
    api = httpx.get(
        f"{base}/api/v1/alerts/",
        params={"state": "firing"},
        headers={"Authorization": f"Token {token}"},
    )
    assert [(a["rule_name"], a["host"]) for a in api.json()["results"]] == [
        ("latency high", "api-1")
    ]
    row.get_by_role("button", name="Acknowledge").click()
    expect(row.locator(".alert-ack")).to_have_text("acknowledged by dave")
    assert page.evaluate("window.__not_reloaded") is True
    screenshot("alerts")
    assert console_errors == []
