"""``POST /api/v1/scenarios/{id}/run``, ``/api/v1/runs/`` and ``POST /api/v1/runs/{id}/stop``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from scenarios.models import ScenarioRun

pytestmark = pytest.mark.django_db
Status = ScenarioRun.Status


def test_running_a_scenario_queues_a_run_with_a_snapshot_of_its_spec(
    api, make_scenario, django_capture_on_commit_callbacks
):
    scenario = make_scenario(rate=7)
    with django_capture_on_commit_callbacks() as callbacks:
        response = api.post(f"/api/v1/scenarios/{scenario.pk}/run")
    assert response.status_code == 202, response.content
    run = ScenarioRun.objects.get(pk=response.json()["id"])
    assert run.status == Status.QUEUED and run.scenario == scenario
    assert run.spec["rate"] == 7 and run.spec["name"] == "checkout"
    assert len(callbacks) == 1  # the task is queued only once the row is committed
    scenario.spec = {**scenario.spec, "rate": 9}
    scenario.save()
    run.refresh_from_db()
    assert run.spec["rate"] == 7


def test_a_scenario_made_unsafe_by_a_settings_change_is_refused(api, make_scenario, settings):
    scenario = make_scenario()
    settings.HYDRA_SCENARIO_ALLOWED_HOSTS = ["10.0.0.0/8"]
    response = api.post(f"/api/v1/scenarios/{scenario.pk}/run")
    assert response.status_code == 400 and "allow-list" in response.json()["target"][0]
    assert not ScenarioRun.objects.exists()


def test_running_a_missing_scenario_is_404(api):
    assert api.post("/api/v1/scenarios/999/run").status_code == 404


def _run(scenario, status=Status.COMPLETED, started_minutes_ago=60, minutes=5):
    start = timezone.now() - timedelta(minutes=started_minutes_ago)
    end = None if status in ScenarioRun.ACTIVE else start + timedelta(minutes=minutes)
    return ScenarioRun.objects.create(
        scenario=scenario, name=scenario.name, spec=scenario.spec, status=status,
        started_at=start, ended_at=end,
    )  # fmt: skip


def test_runs_overlapping_a_time_range_are_listed_for_the_charts(api, make_scenario):
    scenario = make_scenario()
    old = _run(scenario, started_minutes_ago=300)
    recent = _run(scenario, started_minutes_ago=50)
    running = _run(scenario, Status.RUNNING, started_minutes_ago=2)
    ids = {r["id"] for r in api.get("/api/v1/runs/", {"start": "-1h"}).json()["results"]}
    assert ids == {recent.pk, running.pk}
    ids = {r["id"] for r in api.get("/api/v1/runs/", {"end": "-4h"}).json()["results"]}
    assert ids == {old.pk}
    active = api.get("/api/v1/runs/", {"active": "true"}).json()["results"]
    assert [r["id"] for r in active] == [running.pk]


def test_a_bad_time_is_a_400_naming_the_parameter(api):
    response = api.get("/api/v1/runs/", {"start": "yesterday-ish"})
    assert response.status_code == 400 and "start" in response.json()


def test_the_runs_list_has_a_fixed_query_count(api, make_scenario, django_assert_max_num_queries):
    scenario = make_scenario()
    for _ in range(5):
        _run(scenario)
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/runs/")
    assert response.json()["count"] == 5


def test_a_run_shows_status_live_state_and_summary(api, make_scenario):
    run = _run(make_scenario())
    run.summary = {"requests": 100, "latency_ms": {"p95": 12.5}}
    run.save()
    data = api.get(f"/api/v1/runs/{run.pk}/").json()
    assert data["status"] == "completed" and data["summary"]["requests"] == 100


def test_stopping_a_queued_run_cancels_it_before_it_starts(api, make_scenario):
    run = _run(make_scenario(), Status.QUEUED)
    response = api.post(f"/api/v1/runs/{run.pk}/stop")
    assert response.status_code == 202
    run.refresh_from_db()
    assert run.status == Status.CANCELLED and run.ended_at is not None


def test_stopping_a_running_run_flags_it_for_the_worker(api, make_scenario):
    run = _run(make_scenario(), Status.RUNNING)
    assert api.post(f"/api/v1/runs/{run.pk}/stop").json()["cancel_requested"] is True
    run.refresh_from_db()
    assert run.status == Status.RUNNING and run.cancel_requested


def test_stopping_a_finished_run_is_a_409_and_changes_nothing(api, make_scenario, token_client):
    run = _run(make_scenario())
    assert api.post(f"/api/v1/runs/{run.pk}/stop").status_code == 409
    assert token_client(read_only=True).post(f"/api/v1/runs/{run.pk}/stop").status_code == 403
    run.refresh_from_db()
    assert run.status == Status.COMPLETED and not run.cancel_requested
