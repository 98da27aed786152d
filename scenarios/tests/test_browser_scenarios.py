"""Scenario pages in a real browser (Chromium via Playwright) against daphne, with the
load generator running in the server's task pool and a real target server."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from core.tests.helpers import log_in
from scenarios.engine.testserver import ThreadedTargetServer
from scenarios.services import scenario_create
from scenarios.tests.conftest import arrival_spec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _points(page) -> int:
    return int(page.get_attribute("#run-rps", "data-points") or 0)


def test_a_run_started_from_the_page_grows_its_chart_live(
    page, asgi_server_with_tasks, user, screenshot, console_errors
):
    base = asgi_server_with_tasks
    with ThreadedTargetServer() as target:
        spec = arrival_spec(target.url("/fast"), rate=30, duration=8)
        spec["thresholds"] = ["p95 < 500ms", "error_rate < 1%"]
        scenario = scenario_create(name="home page", spec=spec, user=user)
        log_in(page, base)
        page.goto(f"{base}/scenarios/{scenario.pk}/")
        page.click("#run-button")
        expect(page).to_have_url(f"{base}/scenarios/runs/{scenario.runs.get().pk}/")
        page.evaluate("window.__not_reloaded = true")
        expect(page.locator("#run-status")).to_have_text("running", timeout=15000)
        # predicates as functions: a bare expression is eval()ed in the page, which the
        # Content-Security-Policy refuses
        page.wait_for_function(
            "() => parseInt(document.getElementById('run-rps').dataset.points) >= 2"
        )
        first = _points(page)
        page.wait_for_function(
            f"() => parseInt(document.getElementById('run-rps').dataset.points) >= {first + 2}"
        )
        screenshot("running")
        assert page.locator("#kpi-rps").inner_text() != "–"
        expect(page.locator("#thresholds .badge.ok")).to_have_count(2)
        expect(page.locator("#run-status")).to_have_text("completed", timeout=20000)
        expect(page.locator("#run-summary")).to_contain_text("requests in", timeout=10000)
        expect(page.locator("#threshold-table")).to_contain_text("p95 < 500ms")
        # the big numbers turn into the whole run's figures; the badges keep the result
        expect(page.locator("#run-kpis")).to_have_attribute("data-final", "true")
        expect(page.locator("#thresholds .badge.ok")).to_have_count(2)
        summary_rps = page.locator("#run-summary p").first.inner_text()
        assert f"({page.locator('#kpi-rps').inner_text()} req/s)" in summary_rps
        assert page.evaluate("window.__not_reloaded") is True
        assert _points(page) >= 6
        screenshot("completed")
    assert console_errors == []


def test_the_scenarios_page_generates_and_trains(
    page, asgi_server_with_tasks, user, screenshot, console_errors
):
    base = asgi_server_with_tasks
    with ThreadedTargetServer(capacity_rps=60, slow_ms=150) as target:
        log_in(page, base)
        page.goto(f"{base}/scenarios/")
        page.select_option("#gen_difficulty", "medium")
        page.fill("#gen_target_url", target.url("/fast"))
        page.click("#generate-button")
        expect(page.locator("h1")).to_contain_text("-medium")
        page.goto(f"{base}/scenarios/")
        expect(page.locator("#recent-problems")).to_contain_text("-medium")
        page.fill("#train_target_url", target.url("/capacity"))
        page.fill("#train_p95_ms", "75")
        page.fill("#train_max_rps", "120")
        page.fill("#train_step_duration", "2")
        page.click("#training-start")
        expect(page).to_have_url(f"{base}/scenarios/training/")
        page.wait_for_function(
            "() => parseInt((document.getElementById('steps-chart') || {dataset: {}}).dataset.steps"
            " || 0) >= 2",
            timeout=30000,
        )
        assert int(page.get_attribute("#training-chart", "data-points") or 0) > 0
        assert page.locator("#steps-table tbody tr").count() >= 2
        screenshot("training")
        page.click("#training-stop")
        expect(page.locator("#training-state")).to_have_text("stopped", timeout=15000)
        screenshot("training-stopped")
    assert console_errors == []


SHAPES = """id => {
  const el = document.querySelector(`.hydra-chart[data-series-id='${id}']`);
  return (el.layout.shapes || []).filter(s => s.name === "overlay:runs")
    .map(s => ({x0: s.x0, x1: s.x1, label: s.label.text}));
}"""


def test_load_tests_are_shaded_on_the_host_charts(
    page, asgi_server, user, screenshot, console_errors
):
    from datetime import timedelta

    import httpx
    from django.utils import timezone

    from core.services import api_token_create
    from metrics.models import Series
    from scenarios.models import ScenarioRun

    now = time.time()
    body = {"series": [{"name": "cpu.usage", "host": "web-1",
                        "points": [[now - 600 + 10 * i, 10.0 + i % 7] for i in range(60)]}]}  # fmt: skip
    headers = {"Authorization": f"Token {api_token_create(user=user)[1]}"}
    assert (
        httpx.post(f"{asgi_server}/api/v1/metrics/", json=body, headers=headers).status_code == 201
    )
    scenario = scenario_create(name="checkout", spec=arrival_spec("http://127.0.0.1:9/"), user=user)
    start = timezone.now() - timedelta(minutes=6)
    run = ScenarioRun.objects.create(
        scenario=scenario, name="checkout", spec=scenario.spec, status="completed",
        started_at=start, ended_at=start + timedelta(minutes=2),
    )  # fmt: skip
    ScenarioRun.objects.create(  # long before the window: not drawn
        scenario=scenario, name="old", spec=scenario.spec, status="completed",
        started_at=start - timedelta(days=2), ended_at=start - timedelta(days=2) + timedelta(minutes=1),
    )  # fmt: skip
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/hosts/web-1/?range=15m")
    series = Series.objects.get(name="cpu.usage", host="web-1")
    chart = page.locator(f".hydra-chart[data-series-id='{series.pk}']")
    expect(chart).to_have_attribute("data-runs", "1")
    shapes = page.evaluate(SHAPES, series.pk)
    assert len(shapes) == 1 and f"#{run.pk} checkout" in shapes[0]["label"]
    fmt = "t => HydraCharts.fmt(t)"
    assert shapes[0]["x0"] == page.evaluate(fmt, start.timestamp())
    assert shapes[0]["x1"] == page.evaluate(fmt, (start + timedelta(minutes=2)).timestamp())
    screenshot("host-with-run")
    assert console_errors == []
