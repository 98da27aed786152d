"""What a first visit notices: whole metric names on the overview at 1400 px, no grey
"live off" dot on pages without live data, and Explore's raw values folded away."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from core.tests.helpers import log_in
from dashboards.tests.test_browser_dashboard import send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NAMES = ("cpu.usage", "http.latency.p95", "memory.used", "net.rx.bytes_per_second")


def test_the_overview_shows_whole_metric_names_at_1400_px(
    page, asgi_server, user, token, screenshot
):
    now = time.time()
    for name in NAMES:
        send(asgi_server, token, [[now - 300 + i * 30, 10.0 + i] for i in range(10)], name=name)
    page.set_viewport_size({"width": 1400, "height": 900})
    log_in(page, asgi_server)
    names = page.locator(".host-card .kpi-name")
    expect(names.first).to_be_visible()
    for i in range(names.count()):
        cut = names.nth(i).evaluate("el => el.scrollWidth > el.clientWidth + 1")
        lines = names.nth(i).evaluate("el => Math.round(el.getBoundingClientRect().height / 15)")
        assert not cut and lines == 1, names.nth(i).inner_text()  # whole, on one line
    shown = {names.nth(i).inner_text() for i in range(names.count())}
    assert shown <= set(NAMES) and len(shown) >= 3
    screenshot("overview-1400")


def test_a_page_without_live_data_shows_no_live_dot(page, asgi_server, user):
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/scenarios/")
    status = page.locator("#live-status")
    expect(status).to_have_attribute("data-state", "idle")
    expect(status).to_be_hidden()
    page.goto(f"{asgi_server}/alerts/")
    expect(status).to_have_attribute("data-state", "open")
    expect(status).to_be_visible()


def test_explores_raw_values_are_folded_away(page, asgi_server, user, token, screenshot):
    now = time.time()
    for host in range(12):
        send(
            asgi_server, token, [[now - 600 + i * 30, float(i)] for i in range(20)], host=f"h{host}"
        )
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/explore/?name=cpu.usage")
    expect(page.locator("#explore-chart")).to_have_attribute("data-points", "240")
    raw = page.locator("#raw-values")
    expect(raw.locator("table")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollHeight") < 1500
    screenshot("explore-folded")
    raw.locator("summary").click()
    expect(raw.locator("tbody tr")).to_have_count(240)
