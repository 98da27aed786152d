"""A host's charts: the series' unit on the axis, no legend repeating the title, one step
for history and live points (the line keeps its density), the top tick label inside."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from core.tests.helpers import log_in
from dashboards.tests.test_browser_dashboard import send
from metrics.models import Series

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHART = ".hydra-chart"


def js(page, expression: str):
    return page.evaluate(
        f"(() => {{ const el = document.querySelector('{CHART}'); return {expression}; }})()"
    )


def test_a_host_chart_shows_the_unit_and_no_legend_repeating_its_title(
    page, asgi_server, user, token, screenshot, console_errors
):
    now = time.time()
    send(asgi_server, token, [[now - 3590 + i * 60, 40 + i % 9] for i in range(60)])
    Series.objects.filter(name="cpu.usage").update(unit="%")
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/hosts/web-1/?range=1h")
    chart = page.locator(CHART).first
    expect(chart).to_have_attribute("data-points", "60")
    assert js(page, "el.layout.yaxis.title.text") == "%"
    assert js(page, "el.layout.showlegend") is False
    top = page.evaluate(
        "Math.min(...[...document.querySelectorAll('.hydra-chart .ytick text')]"
        ".map(t => t.getBoundingClientRect().top))"
    )
    assert top >= chart.bounding_box()["y"]  # the highest tick label is not cut off
    screenshot("host-chart")
    assert console_errors == []


def test_live_points_join_the_charts_buckets_so_the_density_stays(
    page, asgi_server, user, token, console_errors
):
    now = time.time()
    send(asgi_server, token, [[now - 3590 + i * 60, 10.0] for i in range(58)])
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/hosts/web-1/?range=1h")  # one step: 30 s
    chart = page.locator(CHART).first
    expect(chart).to_have_attribute("data-points", "58")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "open")
    bucket = (time.time() // 30 + 1) * 30  # the next 30 s bucket, three points in it
    while time.time() < bucket:
        time.sleep(0.2)
    send(asgi_server, token, [[bucket + 1, 20.0]])
    expect(chart).to_have_attribute("data-points", "59", timeout=3000)
    send(asgi_server, token, [[bucket + 11, 30.0]])
    send(asgi_server, token, [[bucket + 21, 40.0]])
    page.wait_for_function(
        "() => document.querySelector('.hydra-chart').data[0].y.slice(-1)[0] === 30", timeout=3000
    )
    expect(chart).to_have_attribute("data-points", "59")  # one bucket, their mean drawn
    assert console_errors == []
