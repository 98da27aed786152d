"""The scenarios admin validates like the API and can run and stop."""

from __future__ import annotations

import json

import pytest

from scenarios.models import Scenario, ScenarioRun
from scenarios.tests.conftest import arrival_spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", password="root-pass-123")
    client.force_login(user)
    return client


def _post(admin_client, url: str):
    body = {"name": "lan", "spec": json.dumps(arrival_spec(url)), "tags": "[]"}
    return admin_client.post("/admin/scenarios/scenario/add/", body)


def test_the_admin_refuses_a_target_outside_the_allow_list(admin_client):
    response = _post(admin_client, "http://203.0.113.5/")
    assert response.status_code == 200
    assert "allow-list" in str(response.context["adminform"].form.errors["spec"])
    assert not Scenario.objects.exists()


def test_the_admin_saves_a_valid_scenario_and_runs_it(admin_client):
    assert _post(admin_client, "http://127.0.0.1:8080/").status_code == 302
    scenario = Scenario.objects.get()
    assert scenario.created_by.username == "root"
    body = {"action": "run_now", "_selected_action": [scenario.pk]}
    admin_client.post("/admin/scenarios/scenario/", body)
    run = ScenarioRun.objects.get()
    assert run.status == ScenarioRun.Status.QUEUED
    admin_client.post(
        "/admin/scenarios/scenariorun/", {"action": "stop", "_selected_action": [run.pk]}
    )
    run.refresh_from_db()
    assert run.status == ScenarioRun.Status.CANCELLED
