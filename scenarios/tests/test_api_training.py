"""``POST /api/v1/training/start|stop`` and ``GET /api/v1/training/status``."""

from __future__ import annotations

import pytest

from scenarios.models import TrainingSession

pytestmark = pytest.mark.django_db
Status = TrainingSession.Status
START = "/api/v1/training/start"


def _start(api, **body):
    data = {"target_url": "http://127.0.0.1:8080/", "slo": {"p95": "300ms"}, "max_rps": 200}
    return api.post(START, {**data, **body}, format="json")


def test_it_queues_a_session_with_the_slo_as_thresholds(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = _start(api, slo={"p95": "300ms", "error_rate": "1%", "rps": 50}, label="v1.2")
    assert response.status_code == 202, response.content
    session = TrainingSession.objects.get(pk=response.json()["id"])
    assert session.slo == ["p95 < 300ms", "error_rate < 1%", "rps >= 50"]
    assert session.status == Status.QUEUED and session.label == "v1.2"
    assert session.start_rps == 10 and session.step_duration == 10
    assert len(callbacks) == 1


def test_it_accepts_threshold_expressions(api):
    response = _start(api, slo=["p99 < 1s", "error_rate < 0.5%"], start_rps=5, step_duration=3)
    assert response.status_code == 202, response.content
    assert response.json()["slo"] == ["p99 < 1s", "error_rate < 0.5%"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"slo": {"p95": "fast"}}, "slo"),
        ({"slo": {"latency": 300}}, "slo"),
        ({"slo": []}, "slo"),
        ({"max_rps": 0}, "max_rps"),
        ({"max_rps": 10**7}, "max_rps"),
        ({"start_rps": 500}, "start_rps"),
        ({"step_duration": 0.5}, "step_duration"),
        ({"target_url": "http://198.51.100.7/"}, "target_url"),
        ({"target_url": "not a url"}, "target_url"),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(api, body, field):
    response = _start(api, **body)
    assert response.status_code == 400
    assert field in response.json()
    assert not TrainingSession.objects.exists()


def test_only_one_session_runs_at_a_time(api):
    assert _start(api).status_code == 202
    second = _start(api)
    assert second.status_code == 409 and "already running" in second.json()["detail"]
    assert TrainingSession.objects.count() == 1


def test_stop_stops_the_queued_session_and_status_reports_it(api):
    session_id = _start(api).json()["id"]
    assert api.post("/api/v1/training/stop").status_code == 202
    status = api.get("/api/v1/training/status").json()
    assert status["id"] == session_id and status["status"] == "stopped"
    assert api.post("/api/v1/training/stop").status_code == 409


def test_status_before_any_session_is_404(api):
    assert api.get("/api/v1/training/status").status_code == 404


def test_a_read_only_token_cannot_start_or_stop(token_client):
    reader = token_client(read_only=True)
    body = {"target_url": "http://127.0.0.1/", "slo": {"p95": 300}, "max_rps": 10}
    assert reader.post(START, body, format="json").status_code == 403
    assert reader.post("/api/v1/training/stop").status_code == 403
    assert not TrainingSession.objects.exists()


def test_a_stopped_session_frees_the_slot_for_the_next(api):
    first = _start(api).json()["id"]
    api.post("/api/v1/training/stop")
    second = _start(api)
    assert second.status_code == 202 and second.json()["id"] != first
    active = TrainingSession.objects.filter(active_slot=True).values_list("pk", flat=True)
    assert list(active) == [second.json()["id"]]
