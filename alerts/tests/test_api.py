"""The alerts API: list by state, acknowledge, rules CRUD, silences, anomalies, outsiders."""

from __future__ import annotations

import time
from datetime import timedelta

import orjson
import pytest
from django.utils import timezone

from alerts.models import Alert, AlertEvent, AlertRule, Anomaly, Silence
from alerts.services.evaluation import rules_evaluate
from alerts.tests.conftest import ingest, make_rule

pytestmark = pytest.mark.django_db(transaction=True)


def firing_alert() -> Alert:
    now = time.time()
    ingest("cpu.usage", "web-1", [(now - 5, 99)])
    make_rule()
    rules_evaluate()
    return Alert.objects.get()


def test_a_rule_crossing_through_the_metrics_api_shows_up_as_a_firing_alert(api):
    make_rule(window_seconds=60)
    body = {"name": "cpu.usage", "value": 97.5, "host": "web-7"}
    response = api.post("/api/v1/metrics/", orjson.dumps(body), content_type="application/json")
    assert response.status_code == 201
    rules_evaluate()
    response = api.get("/api/v1/alerts/?state=firing")
    assert response.status_code == 200
    [alert] = response.json()["results"]
    assert (alert["host"], alert["state"], alert["value"], alert["rule_name"]) == (
        "web-7",
        "firing",
        97.5,
        "cpu high",
    )
    assert api.get("/api/v1/alerts/?state=resolved").json()["results"] == []


def test_it_rejects_an_unknown_state_filter(api):
    response = api.get("/api/v1/alerts/?state=bogus")
    assert response.status_code == 400 and "state" in response.json()


def test_acknowledge_sets_the_flag_and_records_an_event(api, owner):
    alert = firing_alert()
    response = api.post(f"/api/v1/alerts/{alert.pk}/acknowledge")
    assert response.status_code == 200 and response.json()["acknowledged"] is True
    alert.refresh_from_db()
    assert alert.acknowledged_by == owner and alert.acknowledged_at is not None
    assert AlertEvent.objects.filter(alert=alert, kind="acknowledged").count() == 1
    assert [a["id"] for a in api.get("/api/v1/alerts/?state=acknowledged").json()["results"]] == [
        alert.pk
    ]


def test_a_read_only_token_can_list_but_not_acknowledge(token_client):
    alert = firing_alert()
    reader = token_client(read_only=True)
    assert reader.get("/api/v1/alerts/").status_code == 200
    assert reader.post(f"/api/v1/alerts/{alert.pk}/acknowledge").status_code == 403
    assert reader.post("/api/v1/alert-rules/", {}, format="json").status_code == 403
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_anonymous_clients_get_401(client):
    alert = firing_alert()
    assert client.get("/api/v1/alerts/", HTTP_ACCEPT="application/json").status_code == 401
    response = client.post(f"/api/v1/alerts/{alert.pk}/acknowledge", HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert Alert.objects.get().acknowledged_at is None


def test_acknowledging_a_missing_alert_is_404(api):
    assert api.post("/api/v1/alerts/999999/acknowledge").status_code == 404


def test_rules_crud_validates_with_clear_messages_and_bumps_the_version(api):
    bad = {"name": "r", "metric": "cpu.usage", "condition": "threshold", "op": ">"}
    response = api.post("/api/v1/alert-rules/", bad, format="json")
    assert response.status_code == 400
    assert response.json()["threshold"] == ["A threshold rule needs a threshold."]
    response = api.post("/api/v1/alert-rules/", {**bad, "threshold": 90}, format="json")
    assert response.status_code == 201 and response.json()["version"] == 1
    pk = response.json()["id"]
    response = api.patch(f"/api/v1/alert-rules/{pk}/", {"threshold": 95}, format="json")
    assert response.status_code == 200 and response.json()["version"] == 2
    assert AlertRule.objects.get(pk=pk).threshold == 95
    assert api.delete(f"/api/v1/alert-rules/{pk}/").status_code == 204
    assert not AlertRule.objects.exists()


def test_silences_record_their_creator_and_show_whether_they_are_active(api, owner):
    now = timezone.now()
    body = {
        "matchers": [{"label": "host", "op": "=", "value": "web-1"}],
        "starts_at": (now - timedelta(minutes=5)).isoformat(),
        "ends_at": (now + timedelta(hours=1)).isoformat(),
        "comment": "deploy",
    }
    response = api.post("/api/v1/silences/", body, format="json")
    assert response.status_code == 201
    assert response.json()["active"] is True and response.json()["expired"] is False
    assert Silence.objects.get().created_by == owner
    response = api.post("/api/v1/silences/", {**body, "timezone": "Mars/Olympus"}, format="json")
    assert response.status_code == 400 and "timezone" in response.json()


def test_anomalies_filter_by_series_and_take_feedback(api, owner):
    s1 = ingest("cpu.usage", "web-1", [(time.time(), 1)])
    s2 = ingest("cpu.usage", "web-2", [(time.time(), 1)])
    a1 = Anomaly.objects.create(series=s1, ts=1, detector="hydra", value=9, score=0.9)
    Anomaly.objects.create(series=s2, ts=1, detector="hydra", value=9, score=0.9)
    response = api.get(f"/api/v1/anomalies/?series={s1.pk}")
    assert [a["id"] for a in response.json()["results"]] == [a1.pk]
    assert api.post(f"/api/v1/anomalies/{a1.pk}/dismiss").json()["dismissed"] is True
    a1.refresh_from_db()
    assert a1.dismissed and a1.dismissed_by == owner
    assert api.delete(f"/api/v1/anomalies/{a1.pk}/dismiss").json()["dismissed"] is False


def test_the_alert_list_needs_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    now = time.time()
    for i in range(12):
        ingest("cpu.usage", f"web-{i}", [(now - 5, 99)])
    make_rule()
    rules_evaluate()
    with django_assert_max_num_queries(6):  # token, throttle/session, count, page
        response = api.get("/api/v1/alerts/")
    assert response.json()["count"] == 12
