"""Training against a real server whose latency rises past a known rate."""

from __future__ import annotations

import threading
import time

import pytest

from metrics.models import Series
from scenarios import services
from scenarios.engine.testserver import ThreadedTargetServer
from scenarios.models import TrainingSession

pytestmark = pytest.mark.django_db(transaction=True)
Status = TrainingSession.Status


@pytest.fixture
def capacity_server():
    """Fast up to 130 req/s, 400 ms slower above."""
    with ThreadedTargetServer(capacity_rps=130, slow_ms=400, window=0.5) as server:
        yield server


def _queue(url: str, **options) -> TrainingSession:
    return TrainingSession.objects.create(
        target_url=url, slo=[options.get("slo", "p95 < 150ms")],
        start_rps=options.get("start_rps", 50),
        max_rps=options.get("max_rps", 400), step_duration=options.get("step_duration", 1.2),
    )  # fmt: skip


def test_training_converges_to_the_known_capacity_with_evidence(capacity_server):
    session = _queue(capacity_server.url("/capacity"))
    services.training_execute(session_id=session.pk)
    session.refresh_from_db()
    assert session.status == Status.CONVERGED, (session.reason, session.steps)
    assert 0.6 * 130 <= session.capacity_rps <= 1.1 * 130  # a loaded CI box can only lower it
    assert session.first_failing_rps is not None and session.first_failing_rps > 130
    phases = [step["phase"] for step in session.steps]
    assert phases[0] == "ramp" and "bisect" in phases
    failed = [step for step in session.steps if not step["passed"]]
    assert failed and all("p95" in step["failures"][0] for step in failed)
    assert 0 < session.successful_steps < len(session.steps)
    assert Series.objects.filter(name="scenario.rps", labels={"training": str(session.pk)}).exists()


def test_a_service_faster_than_the_maximum_reports_max_reached(target_server):
    session = _queue(
        target_server.url("/fast"), start_rps=20, max_rps=40, step_duration=2, slo="p95 < 1s"
    )
    services.training_execute(session_id=session.pk)
    session.refresh_from_db()
    assert session.status == Status.MAX_REACHED, session.steps
    assert session.capacity_rps == 40


def test_stop_ends_a_running_session(target_server):
    session = _queue(target_server.url("/fast"), start_rps=10, max_rps=1000, step_duration=30)
    worker = threading.Thread(target=services.training_execute, kwargs={"session_id": session.pk})
    worker.start()
    deadline = time.monotonic() + 10
    while TrainingSession.objects.get(pk=session.pk).status != Status.RUNNING:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    time.sleep(1.5)
    assert services.training_stop() is not None
    worker.join(timeout=10)
    assert not worker.is_alive()
    session.refresh_from_db()
    assert session.status == Status.STOPPED and session.ended_at is not None


def test_the_worker_refuses_a_target_outside_the_allow_list(settings):
    session = _queue("http://127.0.0.1:9/")
    settings.HYDRA_SCENARIO_ALLOWED_HOSTS = ["192.0.2.0/24"]
    services.training_execute(session_id=session.pk)
    session.refresh_from_db()
    assert session.status == Status.FAILED and "allow-list" in session.reason
    assert session.steps == []
