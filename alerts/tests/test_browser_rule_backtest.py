"""The admin's "Backtest these settings" on a rule not saved yet, in a real browser."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from alerts.models import AlertRule
from alerts.tests.conftest import ingest
from core.tests.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_unsaved_rule_is_backtested_from_the_add_page(page, asgi_server, user, screenshot):
    user.is_superuser = True
    user.save()
    now = time.time()
    ingest("cpu.usage", "web-1", [(now - 3600 + i * 60, 95 if i == 30 else 10) for i in range(60)])
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/admin/alerts/alertrule/add/")
    page.fill("#id_name", "cpu high")
    page.fill("#id_metric", "cpu.usage")
    page.fill("#id_threshold", "90")
    page.fill("#id_window_seconds", "60")
    page.click("#run-backtest")
    result = page.locator("#rule-backtest")
    expect(result).to_contain_text("Would have fired 1 times over 1 series")
    expect(result).to_contain_text("cpu.usage@web-1")
    page.fill("#id_threshold", "99")
    page.click("#run-backtest")
    expect(result).to_contain_text("Would have fired 0 times")
    screenshot("add-page")
    assert not AlertRule.objects.exists()
