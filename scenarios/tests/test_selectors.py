"""Reads: running tests for the overview, runs overlapping a time, capacity history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from scenarios import selectors
from scenarios.models import ScenarioRun, TrainingSession

pytestmark = pytest.mark.django_db
Status = ScenarioRun.Status


def _run(scenario, status, started_ago_s, ended_ago_s=None, **spec):
    now = timezone.now()
    return ScenarioRun.objects.create(
        scenario=scenario, name=scenario.name, spec={**scenario.spec, **spec}, status=status,
        started_at=now - timedelta(seconds=started_ago_s),
        ended_at=None if ended_ago_s is None else now - timedelta(seconds=ended_ago_s),
    )  # fmt: skip


def test_the_overview_lists_running_tests_with_their_progress(make_scenario):
    scenario = make_scenario(duration=100)
    running = _run(scenario, Status.RUNNING, 25)
    _run(scenario, Status.COMPLETED, 500, 400)
    rows = selectors.overview_runs()
    assert [r["url"] for r in rows] == [f"/scenarios/runs/{running.pk}/"]
    assert rows[0]["progress"] == pytest.approx(0.25, abs=0.02)


def test_runs_at_a_time_are_those_generating_load_then(make_scenario):
    scenario = make_scenario()
    earlier = _run(scenario, Status.COMPLETED, 3600, 3000)
    current = _run(scenario, Status.RUNNING, 60)
    assert selectors.runs_at(timezone.now() - timedelta(seconds=3300)) == [earlier]
    assert selectors.runs_at(timezone.now()) == [current]
    assert selectors.runs_at(timezone.now() - timedelta(seconds=2000)) == []


def test_capacity_history_keeps_only_measured_sessions_oldest_first():
    def session(status, capacity, label):
        return TrainingSession.objects.create(
            target_url="http://127.0.0.1/", slo=["p95 < 1s"], start_rps=1, max_rps=10,
            step_duration=2, status=status, capacity_rps=capacity, label=label,
        )  # fmt: skip

    session(TrainingSession.Status.CONVERGED, 120.0, "v1")
    session(TrainingSession.Status.STOPPED, 50.0, "aborted")
    session(TrainingSession.Status.MAX_REACHED, 200.0, "v2")
    points = selectors.capacity_points(selectors.training_history())
    assert [(p["label"], p["capacity"]) for p in points] == [("v1", 120.0), ("v2", 200.0)]
