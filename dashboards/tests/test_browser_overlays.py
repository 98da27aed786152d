"""Chart overlays in a real browser: stored anomalies drawn on the host page's charts."""

from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import expect

from alerts.models import Anomaly
from core.tests.helpers import log_in
from dashboards.tests.test_browser_dashboard import send
from metrics.models import Series

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


FIGURE = """id => {
  const el = document.querySelector(`.hydra-chart[data-series-id='${id}']`);
  const mine = el.data.filter(t => t.meta && t.meta.overlay === "anomalies");
  return {
    traces: mine.map(t => ({name: t.name, x: t.x, y: t.y, text: t.text || null,
                            mode: t.mode, index: el.data.indexOf(t)})),
    shapes: (el.layout.shapes || []).filter(s => s.name === "overlay:anomalies")
      .map(s => ({y0: s.y0, y1: s.y1})),
    line: el.data[0].y.length,
  };
}"""


def applied(chart, name: str = "anomalies") -> int:
    """How many times the chart applied that overlay (other overlays may be registered)."""
    expect(chart).to_have_attribute("data-overlays", re.compile(f'"{name}":'))
    return json.loads(chart.get_attribute("data-overlays"))[name]


def anomaly(series: Series, ts: float, **fields) -> Anomaly:
    values = {"detector": "hydra", "value": 50.0, "score": 0.93, "expected": 10.0}
    values.update({"lower": 8.0, "upper": 12.0, **fields})
    return Anomaly.objects.create(series=series, ts=int(ts * 1_000_000), **values)


def test_a_stored_anomaly_is_a_marker_with_its_expected_band_on_the_host_chart(
    page,
    asgi_server,
    user,
    token,
    screenshot,
    console_errors,
):
    now = time.time()
    stamps = [now - 300 + i * 10 for i in range(30)]
    send(asgi_server, token, [[t, 50.0 if i == 20 else 10.0] for i, t in enumerate(stamps)])
    series = Series.objects.get(name="cpu.usage", host="web-1")
    anomaly(series, stamps[20])
    anomaly(series, stamps[5], value=10.0, dismissed=True)  # "not an anomaly": not drawn
    anomaly(series, now - 7200)  # outside the 15 minutes shown
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/hosts/web-1/?range=15m")
    chart = page.locator(f".hydra-chart[data-series-id='{series.pk}']")
    expect(chart).to_have_attribute("data-anomalies", "1")
    assert applied(chart) == 1
    figure = page.evaluate(FIGURE, series.pk)
    markers, band = figure["traces"]
    assert markers["name"] == "anomalies" and markers["mode"] == "markers"
    assert markers["y"] == [50.0]
    assert markers["x"] == [page.evaluate("t => HydraCharts.fmt(t)", int(stamps[20] * 1e6) / 1e6)]
    assert "score 0.93" in markers["text"][0] and "expected 10 (8 – 12)" in markers["text"][0]
    assert band["name"] == "expected band" and band["y"] == [10.0]
    assert figure["shapes"] == [{"y0": 8.0, "y1": 12.0}]
    # hovering the marker shows the score and the expected value
    page.evaluate(
        "([id, i]) => Plotly.Fx.hover(document.querySelector(`[data-series-id='${id}']`),"
        " [{curveNumber: i, pointNumber: 0}])",
        [series.pk, markers["index"]],
    )
    expect(chart.locator(".hoverlayer")).to_contain_text("score 0.93")
    screenshot("host-anomaly")
    assert console_errors == []


def test_a_new_anomaly_appears_without_reload_as_the_chart_moves_on(
    page,
    asgi_server,
    user,
    token,
    console_errors,
):
    now = time.time()
    send(asgi_server, token, [[now - 300 + i * 10, 10.0] for i in range(30)])
    series = Series.objects.get(name="cpu.usage", host="web-1")
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/hosts/web-1/?range=15m")
    chart = page.locator(f".hydra-chart[data-series-id='{series.pk}']")
    expect(chart).to_have_attribute("data-anomalies", "0")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "open")
    page.evaluate("window.__not_reloaded = true; HydraCharts.options.overlayRefreshMs = 0")
    anomaly(series, now - 30)  # the detector found one meanwhile
    send(asgi_server, token, [[time.time(), 11.0]])
    expect(chart).to_have_attribute("data-anomalies", "1", timeout=3000)
    assert page.evaluate(FIGURE, series.pk)["traces"][0]["y"] == [50.0]
    assert page.evaluate("window.__not_reloaded") is True
    assert console_errors == []


def test_an_overlay_registered_later_draws_shaded_ranges_on_open_charts(
    page, asgi_server, user, token, console_errors
):
    now = time.time()
    send(asgi_server, token, [[now - 300 + i * 10, 10.0] for i in range(30)])
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/hosts/web-1/?range=15m")
    chart = page.locator(".hydra-chart").first
    expect(chart).to_have_attribute("data-anomalies", "0")
    page.evaluate(
        """() => HydraCharts.registerOverlay("test-ranges", (el, ctx) => ({shapes: [{
             type: "rect", xref: "x", yref: "paper", x0: ctx.fmt(ctx.end - 120),
             x1: ctx.fmt(ctx.end - 60), y0: 0, y1: 1, fillcolor: "rgba(0,0,0,0.1)",
             line: {width: 0}}]}))"""
    )
    expect(chart).to_have_attribute("data-overlays", re.compile('"test-ranges":1'))
    shapes = page.evaluate(
        "() => document.querySelector('.hydra-chart').layout.shapes.map(s => s.name)"
    )
    assert shapes.count("overlay:test-ranges") == 1
    before = applied(chart)
    page.check("#utc-toggle")  # a redraw applies every overlay again, once
    expect(chart).to_have_attribute("data-overlays", re.compile('"test-ranges":2'))
    expect(chart).to_have_attribute("data-overlays", re.compile(f'"anomalies":{before + 1}'))
    shapes = page.evaluate(
        "() => document.querySelector('.hydra-chart').layout.shapes.map(s => s.name)"
    )
    assert shapes.count("overlay:test-ranges") == 1
    assert console_errors == []


@pytest.mark.parametrize("where", ["explore", "dashboard"])
def test_explore_and_dashboard_line_panels_mark_anomalies_too(
    page, asgi_server, user, token, where, console_errors
):
    from dashboards.services import dashboard_create

    now = time.time()
    stamps = [now - 300 + i * 10 for i in range(30)]
    send(asgi_server, token, [[t, 50.0 if i == 20 else 10.0] for i, t in enumerate(stamps)])
    anomaly(Series.objects.get(name="cpu.usage", host="web-1"), stamps[20])
    log_in(page, asgi_server)
    if where == "explore":
        page.goto(f"{asgi_server}/explore/?name=cpu.usage&range=15m")
        chart = page.locator("#explore-chart")
    else:
        query = {"name": "cpu.usage", "host": "web-1", "agg": "avg", "step": ""}
        panel = {"title": "CPU", "chart": "line", "query": query}
        board = dashboard_create(owner=user, title="B", definition={"panels": [panel]})
        page.goto(f"{asgi_server}/dashboards/{board.pk}/?range=15m")
        chart = page.locator(".panel .hydra-chart")
    expect(chart).to_have_attribute("data-anomalies", "1")
    markers = page.evaluate(
        "el => el.data.filter(t => t.meta && t.meta.overlay === 'anomalies').map(t => t.y)",
        chart.element_handle(),
    )
    assert markers == [[50.0], [10.0]]  # the anomaly on the line, its expected value
    assert console_errors == []
