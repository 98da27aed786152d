"""Executing runs against a real HTTP server: summary, series, stop, abort, safety, reaping."""

from __future__ import annotations

import gc
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from metrics.models import Point, Series
from scenarios import services
from scenarios.models import ScenarioRun
from scenarios.services import runs

pytestmark = pytest.mark.django_db(transaction=True)
Status = ScenarioRun.Status


def _queued(scenario) -> ScenarioRun:
    return ScenarioRun.objects.create(
        scenario=scenario, name=scenario.name, spec=scenario.engine_spec().to_dict()
    )


def test_a_run_stores_its_summary_and_writes_per_second_series(make_scenario, target_server):
    thresholds = ["p95 < 500ms", "error_rate < 1%", "rps >= 5"]
    run = _queued(
        make_scenario(target_server.url("/fast"), rate=40, duration=3, thresholds=thresholds)
    )
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == Status.COMPLETED, run.reason
    assert run.thresholds_passed is True
    assert 100 <= run.summary["requests"] <= 140 and run.summary["errors"] == 0
    assert [t["passed"] for t in run.summary["thresholds"]] == [True, True, True]
    assert run.started_at < run.ended_at
    rps = Series.objects.get(
        name="scenario.rps", labels={"run": str(run.pk), "scenario": "checkout"}
    )
    values = list(Point.objects.filter(series_id=rps.pk).values_list("value", flat=True))
    assert len(values) == run.live["seconds"] >= 2
    assert 30 <= sorted(values)[len(values) // 2] <= 50
    names = set(Series.objects.filter(labels__run=str(run.pk)).values_list("name", flat=True))
    assert {"scenario.latency.p50", "scenario.latency.p95", "scenario.latency.p99"} <= names


def test_every_second_is_stored_and_published_including_the_last(make_scenario, target_server):
    run = _queued(make_scenario(target_server.url("/fast"), rate=20, duration=3))
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    rps = Series.objects.get(name="scenario.rps", labels__run=str(run.pk))
    stored = Point.objects.filter(series_id=rps.pk).count()
    assert run.live["seconds"] == run.summary["seconds"] == stored >= 3


def test_a_slow_database_write_does_not_hold_up_the_next_seconds(
    make_scenario, target_server, monkeypatch
):
    intervals = []
    record = runs.record_run_second

    def slow_first_write(run, stats, thresholds):
        intervals.append(stats.interval)
        if len(intervals) == 1:
            time.sleep(2.5)  # the database stalls on the first second
        return record(run, stats, thresholds)

    monkeypatch.setattr(runs, "record_run_second", slow_first_write)
    run = _queued(make_scenario(target_server.url("/fast"), rate=20, duration=4))
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert len(intervals) == run.summary["seconds"] >= 4
    assert max(intervals) < 1.5  # no second was merged into the next while it waited


def test_errors_are_classified_in_the_summary(make_scenario, target_server):
    run = _queued(make_scenario(target_server.url("/status/503"), rate=20, duration=2))
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == Status.COMPLETED
    assert run.summary["error_rate"] == 1.0
    assert run.summary["errors_by_status_class"].get("5xx") == run.summary["errors"] > 0
    assert run.summary["status_counts"] == {"503": run.summary["requests"]}


def test_a_refused_connection_is_an_error_not_a_crash(make_scenario):
    run = _queued(make_scenario("http://127.0.0.1:9/", rate=10, duration=1))
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == Status.COMPLETED and run.summary["errors"] > 0
    assert any("refused" in kind for kind in run.summary["errors_by_kind"])


def test_a_failing_threshold_aborts_the_run_when_asked(make_scenario, target_server):
    scenario = make_scenario(
        target_server.url("/slow?ms=80"), rate=20, duration=20,
        thresholds=["p95 < 20ms"], abort_on_fail=True, window=2,
    )  # fmt: skip
    run = _queued(scenario)
    started = time.monotonic()
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == Status.ABORTED and "p95 < 20ms" in run.reason
    assert time.monotonic() - started < 10
    assert run.thresholds_passed is False


def test_stopping_a_running_run_ends_it_within_seconds(make_scenario, target_server):
    run = _queued(make_scenario(target_server.url("/fast"), rate=20, duration=30))
    worker = threading.Thread(target=services.run_execute, kwargs={"run_id": run.pk})
    worker.start()
    _wait_for(lambda: ScenarioRun.objects.get(pk=run.pk).live.get("seconds", 0) >= 1)
    services.run_cancel(run=ScenarioRun.objects.get(pk=run.pk))
    worker.join(timeout=10)
    assert not worker.is_alive()
    run.refresh_from_db()
    assert run.status == Status.CANCELLED and run.summary["duration_s"] < 10


def test_a_cancelled_queued_run_never_starts(make_scenario, target_server):
    run = _queued(make_scenario(target_server.url("/fast")))
    services.run_cancel(run=run)
    assert services.run_execute(run_id=run.pk) is None
    run.refresh_from_db()
    assert run.status == Status.CANCELLED and target_server.server.count == 0


def test_a_run_is_executed_once_even_if_its_task_is_delivered_twice(make_scenario, target_server):
    run = _queued(make_scenario(target_server.url("/fast"), rate=10, duration=1))
    assert services.run_execute(run_id=run.pk) is not None
    hits = target_server.server.count
    assert services.run_execute(run_id=run.pk) is None
    assert target_server.server.count == hits


def test_the_worker_refuses_a_target_outside_the_allow_list(make_scenario, settings):
    run = _queued(make_scenario("http://127.0.0.1:9/"))
    settings.HYDRA_SCENARIO_ALLOWED_HOSTS = ["10.0.0.0/8"]
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == Status.FAILED and "allow-list" in run.reason
    assert not Series.objects.filter(labels__run=str(run.pk)).exists()


def test_objects_from_before_a_run_are_kept_out_of_collections_while_it_runs(
    make_scenario, target_server, monkeypatch
):
    frozen_while_recording = []
    record = runs.record_run_second

    def spy(*args):
        frozen_while_recording.append(gc.get_freeze_count())
        return record(*args)

    monkeypatch.setattr(runs, "record_run_second", spy)
    run = _queued(make_scenario(target_server.url("/fast"), rate=20, duration=2))
    services.run_execute(run_id=run.pk)
    # the first second is written mid-run; the last may be written after the run ended
    assert frozen_while_recording and frozen_while_recording[0] > 0
    assert gc.get_freeze_count() == 0


def test_a_run_refused_by_the_worker_hands_its_objects_back_to_the_collector(
    make_scenario, settings
):
    run = _queued(make_scenario("http://127.0.0.1:9/"))
    settings.HYDRA_SCENARIO_ALLOWED_HOSTS = ["10.0.0.0/8"]
    services.run_execute(run_id=run.pk)
    assert gc.get_freeze_count() == 0


def test_runs_whose_worker_stopped_reporting_are_marked_failed(make_scenario):
    run = _queued(make_scenario())
    fresh = _queued(make_scenario())
    long_ago = timezone.now() - timedelta(minutes=10)
    ScenarioRun.objects.filter(pk=run.pk).update(status=Status.RUNNING, heartbeat_at=long_ago)
    ScenarioRun.objects.filter(pk=fresh.pk).update(
        status=Status.RUNNING, heartbeat_at=timezone.now()
    )
    assert services.runs_reap_stale() == 1
    run.refresh_from_db()
    fresh.refresh_from_db()
    assert run.status == Status.FAILED and "stopped reporting" in run.reason
    assert fresh.status == Status.RUNNING


def _wait_for(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)
