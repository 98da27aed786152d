"""Alertmanager API v2 on Hydra: POST/GET /api/v2/alerts, GET /api/v2/status."""

from __future__ import annotations

import pytest

from alerts.models import InhibitionRule, NotificationPolicy, ReceivedAlert, Receiver
from alerts.services.routing_config import root_policy

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def policies(db):
    receiver = Receiver.objects.create(name="db", config={})
    NotificationPolicy.objects.create(
        parent=root_policy(), matchers=['team="db"'], receiver=receiver
    )
    InhibitionRule.objects.create(
        source_matchers=['severity="critical"'], target_matchers=['severity="warning"'],
        equal=["cluster"],
    )  # fmt: skip


def alert(name: str, **labels) -> dict:
    return {"labels": {"alertname": name, **labels}, "annotations": {"summary": f"{name}!"},
            "generatorURL": "http://prometheus.test/graph"}  # fmt: skip


def test_posted_alerts_are_stored_routed_and_listed_with_their_state(api, policies):
    body = [
        alert("Down", team="db", severity="critical", cluster="a"),
        alert("Slow", team="db", severity="warning", cluster="a"),
        {**alert("Old", team="web"), "startsAt": "2026-11-20T12:00:00Z",
         "endsAt": "2026-11-20T12:05:00Z"},
    ]  # fmt: skip
    response = api.post("/api/v2/alerts", body, format="json")
    assert response.status_code == 200, response.content
    assert ReceivedAlert.objects.count() == 3
    listed = {a["labels"]["alertname"]: a for a in api.get("/api/v2/alerts").json()}
    assert set(listed) == {"Down", "Slow"}  # the resolved one is not active
    assert listed["Down"]["receivers"] == [{"name": "db"}]
    assert listed["Down"]["status"] == {"state": "active", "silencedBy": [], "inhibitedBy": []}
    assert listed["Slow"]["status"]["state"] == "suppressed"
    assert listed["Slow"]["status"]["inhibitedBy"] == [listed["Down"]["fingerprint"]]
    assert listed["Down"]["annotations"] == {"summary": "Down!"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"labels": {"a": "b"}}, "must be a JSON list"),
        ([{"labels": {}}], "at least one label pair required"),
        ([{"labels": {"bad-name": "x"}}], "not a valid name"),
        ([{"labels": {"a": "x\x1b[31m"}}], "control characters"),
        ([{"labels": {"a": 1}}], "must be a string"),
        ([{"labels": {"a": "b"}, "startsAt": "yesterday"}], "not an RFC 3339 time"),
        ([{"labels": {"a": "b"}, "startsAt": "2026-11-20T12:05:00Z",
           "endsAt": "2026-11-20T12:00:00Z"}], "start time must be before end time"),
    ],
)  # fmt: skip
def test_a_bad_alert_gets_a_clear_error_and_is_not_stored(api, body, message):
    response = api.post("/api/v2/alerts", body, format="json")
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not ReceivedAlert.objects.exists()


def test_in_a_batch_the_valid_alerts_are_kept_like_alertmanager_does(api):
    response = api.post("/api/v2/alerts", [alert("Ok"), {"labels": {}}], format="json")
    assert response.status_code == 400
    assert response.json() == {"error": "alert 1: at least one label pair required", "accepted": 1}
    assert ReceivedAlert.objects.get().labels == {"alertname": "Ok"}


def test_posting_needs_an_editor_token_and_reading_a_viewer(token_client, viewer, client):
    assert client.post(
        "/api/v2/alerts", [alert("X")], content_type="application/json"
    ).status_code in (401, 403)
    as_viewer = token_client(user=viewer)
    assert as_viewer.post("/api/v2/alerts", [alert("X")], format="json").status_code == 403
    assert as_viewer.get("/api/v2/alerts").status_code == 200
    assert not ReceivedAlert.objects.exists()


def test_status_shows_the_configuration(api, policies):
    data = api.get("/api/v2/status").json()
    assert data["cluster"]["status"] == "disabled"
    assert (
        'team="db"' in data["config"]["original"] and "rule-channels" in data["config"]["original"]
    )
