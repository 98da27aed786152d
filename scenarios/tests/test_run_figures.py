"""A finished run shows its own figures: the big numbers are the whole run's (not its last
second), the threshold badges the whole run's result, the latency percentiles in one fixed
order (PostgreSQL's jsonb keeps keys by length, then name)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from scenarios.models import ScenarioRun

pytestmark = pytest.mark.django_db
LATENCY = {"max": 9.0, "min": 0.2, "p50": 1.0, "p99": 5.0, "p95": 2.59, "mean": 1.2, "p90": 2.0}


@pytest.fixture
def finished(make_scenario):
    scenario = make_scenario()
    spec = {**scenario.spec, "thresholds": ["p95 < 300ms", "error_rate < 1%"]}
    return ScenarioRun.objects.create(
        scenario=scenario, name="home", spec=spec, status=ScenarioRun.Status.COMPLETED,
        started_at=timezone.now() - timedelta(seconds=31), ended_at=timezone.now(),
        thresholds_passed=False,
        live={"second": {"elapsed": 30, "rps": 6551.0, "p95": 1.0, "errors": 0}},
        summary={"requests": 158_220, "duration_s": 30.0, "rps": 5274.0, "errors": 12,
                 "error_rate": 0.0001, "latency_ms": LATENCY, "status_counts": {"200": 158_208},
                 "errors_by_kind": {}, "dropped": 0,
                 "thresholds": [{"threshold": "p95 < 300ms", "passed": True},
                                {"threshold": "error_rate < 1%", "passed": False}]},
    )  # fmt: skip


@pytest.fixture
def browser(client, owner):
    client.force_login(owner)
    return client


def kpi(page: str, name: str) -> str:
    return re.search(rf'id="kpi-{name}">([^<]*)<', page).group(1).strip()


def test_the_big_numbers_of_a_finished_run_are_the_whole_runs(browser, finished):
    page = browser.get(f"/scenarios/runs/{finished.pk}/").content.decode()
    assert kpi(page, "rps") == "5274.0" and kpi(page, "p95") == "2.59 ms"
    assert kpi(page, "elapsed") == "30 s" and kpi(page, "errors") == "12"
    assert "6551" not in page and "whole run" in page


def test_the_threshold_badges_show_the_whole_runs_result(browser, finished):
    page = browser.get(f"/scenarios/runs/{finished.pk}/").content.decode()
    assert re.search(r'class="badge threshold ok" data-threshold="p95 &lt; 300ms"', page)
    assert re.search(r'class="badge threshold status-critical" data-threshold="error_rate', page)


def test_the_summary_fragment_brings_the_figures_and_badges_along(browser, finished):
    url = f"/scenarios/runs/{finished.pk}/"
    fragment = browser.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="run-kpis" aria-live="polite" hx-swap-oob="true"' in fragment
    assert 'id="thresholds" aria-label="Thresholds" hx-swap-oob="true"' in fragment


def test_latency_percentiles_come_in_one_order_on_the_page_and_in_the_api(browser, api, finished):
    page = browser.get(f"/scenarios/runs/{finished.pk}/").content.decode()
    table = page[page.index('id="latency-table"') :]
    headers = re.findall(r"<th>(\w+)</th>", table[: table.index("</thead>")])
    assert headers == ["min", "mean", "p50", "p90", "p95", "p99", "max"]
    latency = api.get(f"/api/v1/runs/{finished.pk}/").json()["summary"]["latency_ms"]
    assert list(latency) == headers
