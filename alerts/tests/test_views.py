"""The alerts page: filters, acknowledge and silence actions, the alert's history."""

from __future__ import annotations

import time

import pytest

from alerts.models import Alert, Silence
from alerts.services.evaluation import rules_evaluate
from alerts.tests.conftest import ingest, make_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def firing(owner):
    make_rule(name="cpu high", threshold=90.0)
    now = time.time()
    ingest("cpu.usage", "web-1", [(now - i, 99.0) for i in range(30)])
    ingest("cpu.usage", "web-2", [(now - i, 10.0) for i in range(30)])
    rules_evaluate()
    return Alert.objects.get(series__host="web-1")


def test_the_list_shows_firing_alerts_by_default_and_filters(client, owner, firing):
    client.force_login(owner)
    page = client.get("/alerts/").content.decode()
    assert f'id="alert-{firing.pk}"' in page and "cpu high" in page
    assert "No resolved alerts." in client.get("/alerts/", {"state": "resolved"}).content.decode()
    assert f'id="alert-{firing.pk}"' not in client.get("/alerts/", {"q": "db-"}).content.decode()
    fragment = client.get("/alerts/", {"state": "all"}, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith("<table") and "<html" not in fragment
    assert "hx-swap-oob" not in fragment  # rows swapped as part of the table, not out of band


def test_acknowledge_returns_the_updated_row_and_records_who(client, owner, firing):
    client.force_login(owner)
    response = client.post(f"/alerts/{firing.pk}/acknowledge/")
    assert response.status_code == 200
    assert "acknowledged by alice" in response.content.decode()
    firing.refresh_from_db()
    assert firing.acknowledged_by == owner and firing.acknowledged_at is not None
    assert firing.events.filter(kind="acknowledged").count() == 1


def test_silence_creates_a_silence_for_the_rule_on_the_host(client, owner, firing):
    client.force_login(owner)
    assert client.post(f"/alerts/{firing.pk}/silence/", {"hours": "4"}).status_code == 200
    silence = Silence.objects.get()
    assert silence.matchers == [
        {"label": "rule", "op": "=", "value": "cpu high"},
        {"label": "host", "op": "=", "value": "web-1"},
    ]
    assert round((silence.ends_at - silence.starts_at).total_seconds()) == 4 * 3600
    assert silence.created_by == owner


def test_a_bad_silence_duration_is_refused_and_nothing_written(client, owner, firing):
    client.force_login(owner)
    response = client.post(f"/alerts/{firing.pk}/silence/", {"hours": "999"})
    assert response.status_code == 400 and b"hours must be one of" in response.content
    assert not Silence.objects.exists()


def test_the_detail_page_shows_transitions_and_a_chart(client, owner, firing):
    client.force_login(owner)
    page = client.get(f"/alerts/{firing.pk}/").content.decode()
    assert "Transitions" in page and "hydra-chart" in page
    assert "firing" in page


def test_actions_need_login_and_post(client, owner, firing):
    assert client.post(f"/alerts/{firing.pk}/acknowledge/").status_code == 302
    client.force_login(owner)
    assert client.get(f"/alerts/{firing.pk}/acknowledge/").status_code == 405
    assert client.post("/alerts/999999/acknowledge/").status_code == 404
    firing.refresh_from_db()
    assert firing.acknowledged_at is None
