"""Alerts that fire while a load test runs are tagged "during load test <run>"."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alerts.models import Alert, AlertEvent
from alerts.services.evaluation import rules_evaluate
from alerts.tests.conftest import T0, ingest, make_rule
from scenarios.models import ScenarioRun

pytestmark = pytest.mark.django_db(transaction=True)
t0 = T0.timestamp()


def _run(started, ended=None, status="running") -> ScenarioRun:
    return ScenarioRun.objects.create(
        name="checkout", spec={"requests": [{"url": "http://127.0.0.1/"}]}, status=status,
        started_at=started, ended_at=ended,
    )  # fmt: skip


def test_an_alert_firing_during_a_run_is_tagged_in_alert_event_and_notification(
    webhook, hook_channel
):
    run = _run(T0 - timedelta(minutes=5))
    ingest("cpu.usage", "web-1", [(t0 - 30, 95), (t0 - 10, 97)])
    make_rule(channels=[hook_channel])
    rules_evaluate(now=T0)
    alert = Alert.objects.get()
    assert alert.state == "firing" and alert.load_test == run
    assert AlertEvent.objects.get().load_test == run
    item = webhook.bodies()[0]["alerts"][0]
    assert item["load_test"] == {"run": run.pk, "name": "checkout",
                                 "text": f"during load test #{run.pk} checkout"}  # fmt: skip


def test_a_run_that_ended_within_the_minute_still_tags_but_an_older_one_does_not():
    _run(T0 - timedelta(minutes=30), T0 - timedelta(minutes=20), status="completed")
    recent = _run(T0 - timedelta(minutes=3), T0 - timedelta(seconds=30), status="completed")
    ingest("cpu.usage", "web-1", [(t0 - 10, 97)])
    ingest("cpu.usage", "web-2", [(t0 + 200, 97)])
    make_rule()
    rules_evaluate(now=T0)
    assert Alert.objects.get(series__host="web-1").load_test == recent
    rules_evaluate(now=T0 + timedelta(seconds=240))  # web-2 fires 3.5 min after the run
    assert Alert.objects.get(series__host="web-2").load_test is None


def test_a_new_firing_episode_after_the_run_clears_the_tag():
    run = _run(T0 - timedelta(minutes=5), T0 + timedelta(seconds=10), status="completed")
    ingest("cpu.usage", "web-1", [(t0 - 10, 97), (t0 + 50, 10), (t0 + 600, 97)])
    make_rule()
    rules_evaluate(now=T0)
    assert Alert.objects.get().load_test == run
    rules_evaluate(now=T0 + timedelta(seconds=100))
    assert Alert.objects.get().state == "resolved"
    rules_evaluate(now=T0 + timedelta(seconds=630))
    alert = Alert.objects.get()
    assert alert.state == "firing" and alert.load_test is None


def test_the_api_and_the_alerts_page_show_the_tag(api, client, owner):
    run = _run(T0 - timedelta(minutes=5))
    ingest("cpu.usage", "web-1", [(t0 - 10, 97)])
    make_rule()
    rules_evaluate(now=T0)
    assert api.get("/api/v1/alerts/").json()["results"][0]["load_test"] == run.pk
    client.force_login(owner)
    page = client.get("/alerts/?state=all").content.decode()
    assert f"during load test #{run.pk}" in page and f"/scenarios/runs/{run.pk}/" in page
