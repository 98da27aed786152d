"""The scenario pages: list, form, detail, generate, run, run view, compare, training."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from metrics.models import Series
from scenarios.models import Scenario, ScenarioRun, TrainingSession

pytestmark = pytest.mark.django_db
Status = ScenarioRun.Status


@pytest.fixture
def browser(client, owner):
    client.force_login(owner)
    return client


def _form(**overrides):
    data = {
        "name": "search", "method": "GET", "url": "http://127.0.0.1:8080/search",
        "executor": "ramping-vus", "stages": "10s:5, 20s:20, 5s:0", "timeout": "5s",
        "thresholds": "p95 < 300ms\nerror_rate < 1%", "window": "10s", "tags": "web, smoke",
        "headers": "Accept: application/json",
    }  # fmt: skip
    return {**data, **overrides}


def test_pages_need_login(client):
    for url in (
        "/scenarios/",
        "/scenarios/new/",
        "/scenarios/training/",
        "/scenarios/runs/compare/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_list_shows_scenarios_runs_problems_and_training(browser, make_scenario):
    make_scenario(name="checkout")
    page = browser.get("/scenarios/").content.decode()
    for text in ("checkout", "Generate a problem", "Recent runs", "Start training"):
        assert text in page


def test_creating_from_the_form_builds_the_spec(browser, owner):
    response = browser.post("/scenarios/new/", _form())
    scenario = Scenario.objects.get(name="search")
    assert response.status_code == 302 and response["Location"] == f"/scenarios/{scenario.pk}/"
    spec = scenario.engine_spec()
    assert spec.executor == "ramping-vus" and [s.target for s in spec.stages] == [5, 20, 0]
    assert spec.total_duration() == 35 and spec.timeout == 5
    assert spec.requests[0].headers == {"Accept": "application/json"}
    assert spec.thresholds == ["p95 < 300ms", "error_rate < 1%"]
    assert scenario.tags == ["web", "smoke"] and scenario.created_by == owner


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"url": "http://203.0.113.9/"}, "url", "allow-list"),
        ({"thresholds": "p95 <<< 3"}, "thresholds", "cannot parse"),
        ({"stages": "10s"}, "stages", "duration:target"),
        ({"headers": "no colon here"}, "headers", "Name: value"),
        ({"headers": "X-A: 1\x01GET /smuggled"}, "headers", "control character"),
        ({"url": "http://127.0.0.1:8080/\x01x"}, "url", "control character"),
        ({"more_requests": "[{"}, "more_requests", "not JSON"),
        (
            {"executor": "constant-vus", "vus": 100000, "stages": ""},
            "vus",
            "HYDRA_SCENARIO_MAX_VUS",
        ),
    ],
)
def test_the_form_shows_what_is_wrong_and_saves_nothing(browser, overrides, field, words):
    response = browser.post("/scenarios/new/", _form(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    errors = " ".join(form.errors.get(field or "__all__", []))
    assert words in errors, form.errors
    assert not Scenario.objects.exists()


def test_editing_round_trips_the_form(browser, make_scenario):
    scenario = make_scenario(rate=12, duration=30, thresholds=["p99 < 1s"])
    page = browser.get(f"/scenarios/{scenario.pk}/edit/")
    initial = page.context["form"].initial
    data = {k: v for k, v in initial.items() if v is not None and v is not False}
    data["rate"] = 15
    response = browser.post(f"/scenarios/{scenario.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    scenario.refresh_from_db()
    assert scenario.spec["rate"] == 15 and scenario.spec["duration"] == 30
    assert scenario.spec["thresholds"] == ["p99 < 1s"]


def test_generating_from_the_page(browser):
    body = {"type": "spike", "difficulty": "hard", "target_url": "http://127.0.0.1:8080/"}
    response = browser.post("/scenarios/generate/", body)
    scenario = Scenario.objects.get()
    assert response["Location"] == f"/scenarios/{scenario.pk}/"
    assert scenario.kind == "spike" and scenario.difficulty == "hard"


def test_generating_for_a_refused_target_says_why(browser):
    body = {"difficulty": "easy", "target_url": "http://203.0.113.9/"}
    response = browser.post("/scenarios/generate/", body, follow=True)
    assert "allow-list" in response.content.decode()
    assert not Scenario.objects.exists()


def test_run_now_queues_and_opens_the_run_page(browser, make_scenario):
    scenario = make_scenario()
    response = browser.post(f"/scenarios/{scenario.pk}/run/")
    run = ScenarioRun.objects.get()
    assert response["Location"] == f"/scenarios/runs/{run.pk}/"
    page = browser.get(response["Location"]).content.decode()
    assert 'data-status="queued"' in page and "waiting for a load generator" in page


def test_the_run_page_shows_the_summary_and_the_monitored_hosts_metrics(browser, make_scenario):
    Series.objects.create(name="cpu.usage", host="127.0.0.1")
    scenario = make_scenario()
    run = ScenarioRun.objects.create(
        scenario=scenario, name="checkout", spec=scenario.spec, status=Status.COMPLETED,
        monitored_host="127.0.0.1", started_at=timezone.now() - timedelta(minutes=2),
        ended_at=timezone.now(), thresholds_passed=False,
        summary={"requests": 321, "duration_s": 2.0, "rps": 160.5, "errors": 3, "error_rate": 0.01,
                 "latency_ms": {"p50": 1.0, "p95": 4.5}, "thresholds": [], "status_counts": {"200": 318},
                 "errors_by_kind": {"status 503": 3}, "dropped": 0},
    )  # fmt: skip
    page = browser.get(f"/scenarios/runs/{run.pk}/").content.decode()
    assert "321 requests" in page and "status 503 × 3" in page
    assert 'aria-label="cpu.usage of 127.0.0.1"' in page


def test_the_run_summary_fragment_is_served_to_htmx(browser, make_scenario):
    scenario = make_scenario()
    run = ScenarioRun.objects.create(
        scenario=scenario, name="x", spec=scenario.spec, status=Status.FAILED, reason="boom"
    )
    fragment = browser.get(f"/scenarios/runs/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "boom" in fragment


def test_stop_from_the_page(browser, make_scenario):
    scenario = make_scenario()
    run = ScenarioRun.objects.create(scenario=scenario, name="x", spec=scenario.spec)
    browser.post(f"/scenarios/runs/{run.pk}/stop/")
    run.refresh_from_db()
    assert run.status == Status.CANCELLED


def test_compare_shows_both_runs_or_says_what_is_missing(browser, make_scenario):
    scenario = make_scenario()
    one, two = (
        ScenarioRun.objects.create(scenario=scenario, name=n, spec=scenario.spec) for n in "ab"
    )
    page = browser.get("/scenarios/runs/compare/", {"a": one.pk, "b": two.pk}).content.decode()
    assert f"#{one.pk} a" in page and f"#{two.pk} b" in page
    missing = browser.get("/scenarios/runs/compare/", {"a": one.pk, "b": 999})
    assert "Both runs must exist." in missing.content.decode()


def test_training_start_and_stop_from_the_page(browser):
    body = {"target_url": "http://127.0.0.1:8080/", "p95_ms": 200, "error_pct": 1, "max_rps": 100,
            "step_duration": 5, "label": "v2"}  # fmt: skip
    browser.post("/scenarios/training/start/", body)
    session = TrainingSession.objects.get()
    assert session.slo == ["p95 < 200ms", "error_rate < 1%"] and session.label == "v2"
    page = browser.get("/scenarios/training/").content.decode()
    assert "Stop training" in page and "v2" in page
    browser.post("/scenarios/training/stop/")
    session.refresh_from_db()
    assert session.status == TrainingSession.Status.STOPPED


def test_training_refused_target_writes_nothing(browser):
    body = {"target_url": "http://203.0.113.9/", "p95_ms": 200, "error_pct": 1, "max_rps": 100,
            "step_duration": 5}  # fmt: skip
    response = browser.post("/scenarios/training/start/", body, follow=True)
    assert "allow-list" in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_the_overview_lists_running_load_tests(browser, make_scenario):
    scenario = make_scenario(name="nightly soak", duration=600)
    run = ScenarioRun.objects.create(
        scenario=scenario, name="nightly soak", spec=scenario.spec, status=Status.RUNNING,
        started_at=timezone.now() - timedelta(minutes=5),
    )  # fmt: skip
    page = browser.get("/").content.decode()
    assert f'href="/scenarios/runs/{run.pk}/">nightly soak</a>' in page
