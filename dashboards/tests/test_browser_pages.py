"""Page-wide behaviour in a real browser: live sparklines on the overview, phone width,
keyboard reach, dark mode, the time-range picker with its zone and UTC toggle."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from core.tests.helpers import log_in
from dashboards.tests.test_browser_dashboard import send
from metrics.models import Series
from metrics.rollups import rollups_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def polyline(page, host: str) -> list[str]:
    return (
        page.locator(f".host-card[data-host='{host}'] svg.spark polyline")
        .first.get_attribute("points")
        .split()
    )


def test_overview_sparklines_and_values_follow_live_points(
    page, asgi_server, user, token, screenshot, console_errors
):
    now = time.time()
    for host in ("web-1", "web-2"):
        send(asgi_server, token, [[now - 3000 + i * 60, 20 + i % 7] for i in range(50)], host=host)
    rollups_update()
    log_in(page, asgi_server)
    card = page.locator(".host-card[data-host='web-1']")
    expect(card.locator("svg.spark")).to_have_count(1)
    before = polyline(page, "web-1")
    assert len(before) >= 20
    expect(page.locator("#live-status")).to_have_attribute("data-state", "open")
    send(asgi_server, token, [[time.time(), 99.0]], host="web-1")
    expect(card.locator(".kpi-value")).to_have_text("99.0", timeout=5000)
    expect(card.locator("svg.spark")).to_have_attribute("data-extended", "1")
    after = polyline(page, "web-1")
    assert after[-1].endswith(",2")  # the new maximum sits at the top of the box
    assert len(after) >= len(before)
    screenshot("overview-live")
    assert console_errors == []


def test_a_counters_card_shows_its_rate_and_follows_live_points_across_a_reset(
    page, asgi_server, user, token, screenshot, console_errors
):
    start = int(time.time()) - 3000
    send(asgi_server, token, [[start + i * 60, 1e4 + 120.0 * i] for i in range(50)])  # 2/s
    Series.objects.filter(name="cpu.usage").update(type="counter")
    rollups_update()
    log_in(page, asgi_server)
    value = page.locator(".host-card[data-host='web-1'] .kpi-value")
    expect(value).to_have_text("2/s")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "open")
    last_ts, last = start + 49 * 60, 1e4 + 120.0 * 49
    now = time.time()
    send(asgi_server, token, [[now, last + 3 * (now - last_ts)]])  # 3/s since the last point
    expect(value).to_have_text("3/s", timeout=5000)
    send(asgi_server, token, [[now + 10, 5.0]])  # a restart: 5 since it, in 10 s
    expect(value).to_have_text("0.5/s", timeout=5000)
    svg = page.locator(".host-card[data-host='web-1'] svg.spark")
    expect(svg).to_have_attribute("data-extended", "2")
    assert float(svg.get_attribute("data-hi")) < 10  # a line of rates
    screenshot("overview-counter")
    assert console_errors == []


@pytest.mark.parametrize(
    "path",
    ["/", "/hosts/web-1/", "/explore/?name=cpu.usage", "/dashboards/", "/hosts/"],
)
def test_every_dashboard_page_fits_a_phone(page, asgi_server, user, token, path, console_errors):
    now = time.time()
    send(asgi_server, token, [[now - 300 + i * 10, float(i)] for i in range(30)])
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}{path}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    assert console_errors == []


def test_the_overview_controls_are_reachable_by_keyboard(page, asgi_server, user, token):
    send(asgi_server, token, [[time.time(), 1.0]])
    log_in(page, asgi_server)
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                "() => { const e = document.activeElement;"
                " return e.id || (e.tagName === 'BUTTON' && e.textContent.trim()) || e.name ||"
                " e.getAttribute('aria-label') || e.textContent.trim(); }"
            )
        )
    for control in ("q", "status", "group", "6h", "utc-toggle", "live-toggle", "theme-toggle"):
        assert control in reached, " | ".join(reached)
    assert "web-1" in reached  # the host card's link


def test_dark_mode_recolours_the_charts_and_sticks(
    page, asgi_server, user, token, screenshot, console_errors
):
    send(asgi_server, token, [[time.time() - 300 + i * 10, float(i)] for i in range(30)])
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/hosts/web-1/?range=15m")
    chart = page.locator(".hydra-chart").first
    expect(chart).to_have_attribute("data-points", "30")
    page.click("#theme-toggle")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    font = "() => document.querySelector('.hydra-chart').layout.font.color"
    page.wait_for_function(f"({font})() === '#e6edf3'")
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    screenshot("host-dark")
    assert console_errors == []


def test_the_range_picker_shows_the_zone_and_switches_to_utc(browser, asgi_server, user, token):
    context = browser.new_context(timezone_id="Europe/Paris")
    paris = context.new_page()
    errors: list[str] = []
    paris.on("pageerror", lambda exc: errors.append(str(exc)))
    send(asgi_server, token, [[time.time() - 300 + i * 10, float(i)] for i in range(30)])
    log_in(paris, asgi_server)
    paris.goto(f"{asgi_server}/hosts/web-1/?range=1h")
    expect(paris.locator("#tz-label")).to_have_text("times in Europe/Paris")
    expect(paris.locator(".range-buttons button[aria-pressed=true]")).to_have_text("1h")
    chart = paris.locator(".hydra-chart").first
    expect(chart).to_have_attribute("data-points", re.compile(r"\d+"))
    first_x = "() => document.querySelector('.hydra-chart').data[0].x[0]"
    local = paris.evaluate(first_x)
    paris.check("#utc-toggle")
    expect(paris.locator("#tz-label")).to_have_text("times in UTC")
    paris.wait_for_function(f"({first_x})() !== {local!r}")
    utc = paris.evaluate(first_x)
    # Paris is 1 or 2 hours ahead of UTC: the axis moved by that much
    hours = int(local[11:13]) - int(utc[11:13])
    assert hours % 24 in (1, 2)
    # a custom start typed without a zone means the zone shown (UTC now, Paris without it)
    paris.fill("input[name=start]", "2026-11-22 10:00")
    paris.click("text=Apply")
    paris.wait_for_url(re.compile(r"start=2026-11-22T10%3A00%3A00Z"))
    paris.uncheck("#utc-toggle")
    paris.fill("input[name=start]", "2026-11-22 10:00")
    paris.click("text=Apply")
    paris.wait_for_url(re.compile(r"start=2026-11-22T09%3A00%3A00Z"))
    expect(paris.locator(".range-picker input[name=start]")).to_have_value("2026-11-22T09:00:00Z")
    assert errors == []
    context.close()


def test_live_off_then_on_subscribes_and_backfills(page, asgi_server, user, token, console_errors):
    send(asgi_server, token, [[time.time() - 300 + i * 10, 1.0] for i in range(30)])
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/hosts/web-1/?range=15m")
    chart = page.locator(".hydra-chart").first
    expect(page.locator("#live-status")).to_have_attribute("data-state", "open")
    page.uncheck("#live-toggle")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "off")
    expect(page.locator("#live-status")).to_have_attribute("title", "Live updates are turned off")
    page.reload()  # a page opened with live off
    expect(chart).to_have_attribute("data-points", "30")
    expect(page.locator("#live-toggle")).not_to_be_checked()
    send(asgi_server, token, [[time.time(), 5.0]])  # missed while off
    page.wait_for_timeout(500)
    expect(chart).to_have_attribute("data-points", "30")
    page.check("#live-toggle")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "open")
    expect(chart).to_have_attribute("data-points", "31")  # back-filled
    send(asgi_server, token, [[time.time() + 10, 6.0]])  # the next 10 s bucket
    expect(chart).to_have_attribute("data-points", "32", timeout=5000)  # and live again
    assert console_errors == []


def test_stat_and_table_panels_follow_live_points(page, asgi_server, user, token, console_errors):
    from dashboards.services import dashboard_create

    send(asgi_server, token, [[time.time() - 300 + i * 10, 1.0] for i in range(30)])
    panel = {"name": "cpu.usage", "host": "web-1", "agg": "last", "step": ""}
    definition = {
        "range": "15m",
        "panels": [
            {"title": "Now", "chart": "stat", "query": panel},
            {"title": "Latest", "chart": "table", "query": panel},
        ],
    }
    board = dashboard_create(owner=user, title="Live", definition=definition)
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/dashboards/{board.pk}/")
    stat = page.locator(".panel .stat-value")
    expect(stat).to_have_text("1.000")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "open")
    send(asgi_server, token, [[time.time(), 42.5]])
    expect(stat).to_have_text("42.50", timeout=5000)
    expect(page.locator(".panel table tbody tr").first).to_contain_text("42.5")
    assert console_errors == []
