"""Explore's PromQL mode in a real browser: the query in the URL is charted, metric and
label names complete from the Prometheus API, errors show under the query."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from core.tests.helpers import log_in
from metrics.ingest import Batch
from metrics.services import points_ingest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
US = 1_000_000


def cpu_counters() -> None:
    """cpu_seconds_total{mode=idle|user} on two hosts, 20 minutes at 15 s."""
    batch = Batch()
    now = int(time.time())
    for host in ("web-1", "web-2"):
        for mode, rate in (("idle", 0.9), ("user", 0.1)):
            pos = batch.series_position(("cpu_seconds_total", host, (("mode", mode),)))
            for i in range(80):
                batch.add(pos, (now - 1200 + 15 * i) * US, rate * 15 * i)
    points_ingest(batch=batch)


def traces(page) -> list[str]:
    return page.evaluate(
        "() => (document.getElementById('promql-chart').data || []).map((t) => t.name)"
    )


def test_a_promql_query_is_charted_completed_and_its_errors_shown(
    page, asgi_server, user, screenshot, console_errors
):
    cpu_counters()
    log_in(page, asgi_server)
    query = "sum by (mode) (rate(cpu_seconds_total[5m]))"
    page.goto(f"{asgi_server}/explore/promql/?promql={quote(query)}&range=1h")

    expect(page.locator("#promql-status")).to_contain_text("2 series", timeout=20_000)
    assert not console_errors, console_errors
    assert sorted(traces(page)) == ['{mode="idle"}', '{mode="user"}']
    screenshot("chart")

    box = page.locator("#promql-input")
    box.fill("")
    box.press_sequentially("cpu_sec")
    expect(page.locator("#promql-suggestions li").first).to_have_text("cpu_seconds_total")
    box.press("Tab")
    box.press_sequentially("{mo")
    expect(page.locator("#promql-suggestions li").first).to_have_text("mode")
    screenshot("completion")
    box.press("Tab")
    assert box.input_value() == "cpu_seconds_total{mode"

    box.fill("sum(")
    box.press("Enter")
    expect(page).to_have_url(f"{asgi_server}/explore/promql/?promql=sum%28&range=1h")
    error = page.locator("#promql-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("bad_data: parse error")
    expect(box).to_have_attribute("aria-invalid", "true")
    screenshot("error")
    assert not [e for e in console_errors if "400" not in e], console_errors


def test_a_saved_dashboard_panel_in_promql_is_drawn_with_its_variable(
    page, asgi_server, user, screenshot, console_errors
):
    from dashboards.services import dashboard_create

    cpu_counters()
    definition = {
        "variables": [{"name": "host", "default": "web-1", "query": "label_values(host)"}],
        "panels": [
            {
                "title": "CPU of $host",
                "query": {"promql": 'sum by (mode) (rate(cpu_seconds_total{host="$host"}[5m]))'},
            }
        ],
    }
    board = dashboard_create(owner=user, title="Nodes", definition=definition)
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/dashboards/{board.pk}/?var-host=web-2&range=1h")

    panel = page.locator(".promql-panel")
    expect(page.locator(".panel p.muted").first).to_contain_text("2 series", timeout=20_000)
    names = panel.evaluate("(el) => el.data.map((t) => t.name)")
    assert sorted(names) == ['{mode="idle"}', '{mode="user"}']
    expect(page.locator("h2", has_text="CPU of web-2")).to_be_visible()
    screenshot("panel")
    assert not console_errors, console_errors
