"""Hydra's alerts and posted alerts through the notification policies: routes, groups,
inhibition, silences, acknowledgements, stored decisions, restarts without re-notifying."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alerts.models import (
    Alert,
    InhibitionRule,
    Notification,
    NotificationPolicy,
    Receiver,
    RoutingDecision,
    Silence,
)
from alerts.routing import alerts_from_api
from alerts.services import dispatch
from alerts.services.dispatch import dispatch_cycle
from alerts.services.evaluation import rules_evaluate
from alerts.services.routing_config import root_policy
from alerts.services.rules import alert_acknowledge
from alerts.tests.conftest import T0, ingest, make_rule

pytestmark = pytest.mark.django_db(transaction=True)
t0 = T0.timestamp()
DB_HOOK = "http://hooks.test/db"


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def db_policy(db):
    """root (rule channels) -> team="db" -> receiver db (webhook), group_wait 1s."""
    receiver = Receiver.objects.create(name="db", config={"webhook_configs": [{"url": DB_HOOK}]})
    root = root_policy()
    return NotificationPolicy.objects.create(
        parent=root, matchers=['team="db"'], receiver=receiver, group_by=["alertname"],
        group_wait="1s", group_interval="10s", repeat_interval="1h",
    )  # fmt: skip


def _restart() -> None:
    dispatch._memory.clear()


def test_an_alert_routed_to_a_policy_notifies_its_receiver_once_in_webhook_v4(
    webhook, hook_channel, db_policy
):
    ingest("cpu.usage", "db-1", [(t0 - 30, 95), (t0 - 10, 97)])
    make_rule(channels=[hook_channel], labels={"team": "db"})
    rules_evaluate(now=at(0))
    assert webhook.requests == []  # not the rule's channel: the policy routes it elsewhere
    dispatch_cycle(now=at(2))
    assert [str(r.url) for r in webhook.requests] == [DB_HOOK]
    body = webhook.bodies()[0]
    alert = Alert.objects.get()
    assert body["version"] == "4" and body["receiver"] == "db" and body["status"] == "firing"
    assert body["groupLabels"] == {"alertname": "cpu high"}
    assert body["groupKey"] == '{}/{team="db"}:{alertname="cpu high"}'
    assert body["alerts"][0]["labels"] == alert.labels
    assert body["alerts"][0]["fingerprint"] == alert.fingerprint
    assert body["alerts"][0]["generatorURL"].endswith(f"/alerts/{alert.pk}/")
    decision = RoutingDecision.objects.get(outcome="notified")
    assert alert.fingerprint in decision.fingerprints.split()
    assert decision.route_path == "route.routes[0]"
    assert decision.details["integrations"] == {"webhook[0]": "notified"}
    note = Notification.objects.get(receiver="db")
    assert note.status == "sent" and note.integration == "webhook[0]"
    # a restart: the state comes back from the database; nothing is re-sent
    _restart()
    rules_evaluate(now=at(15))
    dispatch_cycle(now=at(30))
    _restart()
    dispatch_cycle(now=at(45))
    assert len(webhook.requests) == 1


def test_a_resolved_alert_is_notified_as_resolved(webhook, db_policy):
    ingest("cpu.usage", "db-1", [(t0 - 10, 97), (t0 + 20, 10)])
    make_rule(labels={"team": "db"}, window_seconds=15)
    rules_evaluate(now=at(0))
    dispatch_cycle(now=at(2))
    rules_evaluate(now=at(30))
    assert Alert.objects.get().state == "resolved"
    dispatch_cycle(now=at(45))
    statuses = [b["status"] for b in webhook.bodies()]
    assert statuses == ["firing", "resolved"]


def test_silenced_and_acknowledged_alerts_do_not_notify_and_the_reason_is_stored(
    webhook, db_policy, django_user_model
):
    ingest("cpu.usage", "db-1", [(t0 - 10, 97)])
    ingest("cpu.usage", "db-2", [(t0 - 10, 97)])
    make_rule(labels={"team": "db"})
    silence = Silence.objects.create(
        matchers=[{"label": "host", "op": "=", "value": "db-1"}],
        starts_at=at(-60), ends_at=at(3600),
    )  # fmt: skip
    user = django_user_model.objects.create(username="ops")
    rules_evaluate(now=at(0))
    alert_acknowledge(alert=Alert.objects.get(series__host="db-2"), user=user)
    dispatch_cycle(now=at(2))
    assert webhook.requests == []
    decision = RoutingDecision.objects.get()
    assert decision.outcome == "silenced"
    assert sorted(decision.details["silenced"].values()) == [
        "acknowledged",
        f"silence {silence.pk}",
    ]


def _posted(items, now):
    alerts, errors = alerts_from_api(items, now=now)
    assert errors == []
    return alerts


def test_inhibition_keeps_target_alerts_out_of_notifications(webhook, db_policy):
    InhibitionRule.objects.create(
        source_matchers=['severity="critical"'], target_matchers=['severity="warning"'],
        equal=["cluster"],
    )  # fmt: skip
    items = [
        {"labels": {"alertname": "Down", "team": "db", "severity": "critical", "cluster": "a"}},
        {"labels": {"alertname": "Slow", "team": "db", "severity": "warning", "cluster": "a"}},
        {"labels": {"alertname": "Slow", "team": "db", "severity": "warning", "cluster": "b"}},
    ]
    dispatch_cycle(now=at(0), incoming=_posted(items, at(0)))
    dispatch_cycle(now=at(2))
    sent = {
        (b["groupLabels"]["alertname"], a["labels"]["cluster"])
        for b in webhook.bodies()
        for a in b["alerts"]
    }
    assert sent == {("Down", "a"), ("Slow", "b")}
    inhibited = RoutingDecision.objects.get(outcome="notified", group_key__contains="Slow")
    assert len(inhibited.details["inhibited"]) == 1


def test_a_receiver_that_fails_is_retried_like_every_notification(webhook, db_policy):
    webhook.status = 500
    dispatch_cycle(
        now=at(0), incoming=_posted([{"labels": {"alertname": "X", "team": "db"}}], at(0))
    )
    dispatch_cycle(now=at(2))
    note = Notification.objects.get(receiver="db")
    assert note.status == "pending" and note.attempts == 1 and "boom" in note.last_error


def test_invalid_policies_stop_the_cycle_with_the_reason_and_rules_use_their_channels(
    webhook, hook_channel, db_policy
):
    NotificationPolicy.objects.filter(pk=db_policy.pk).update(mute_time_intervals=["gone"])
    report = dispatch_cycle(now=at(0))
    assert "undefined time interval" in report.error
    ingest("cpu.usage", "db-1", [(t0 - 10, 97)])
    make_rule(channels=[hook_channel], labels={"team": "db"})
    rules_evaluate(now=at(0))
    assert len(webhook.requests) == 1  # the rule's own channel, as before policies


def test_old_decisions_are_pruned_after_a_week(webhook, db_policy):
    _restart()
    post = [{"labels": {"alertname": "X", "team": "db"}}]
    dispatch_cycle(now=at(0), incoming=_posted(post, at(0)))
    dispatch_cycle(now=at(2))
    assert RoutingDecision.objects.count() == 1
    later = at(8 * 86400)
    dispatch_cycle(
        now=later, incoming=_posted([{"labels": {"alertname": "Y", "team": "db"}}], later)
    )
    dispatch_cycle(now=later + timedelta(seconds=2))
    assert RoutingDecision.objects.exists()
    assert not RoutingDecision.objects.filter(at__lt=later).exists()
