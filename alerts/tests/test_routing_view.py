"""The alert page explains which policy matched and why, and which notifications went out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alerts.models import Alert, InhibitionRule, NotificationPolicy, Receiver
from alerts.services.dispatch import dispatch_cycle
from alerts.services.evaluation import rules_evaluate
from alerts.services.routing_config import root_policy
from alerts.tests.conftest import T0, ingest, make_rule

pytestmark = pytest.mark.django_db(transaction=True)
t0 = T0.timestamp()


@pytest.fixture
def policies(db):
    receiver = Receiver.objects.create(
        name="db", config={"webhook_configs": [{"url": "http://hooks.test/db"}]}
    )
    root = root_policy()
    NotificationPolicy.objects.create(
        parent=root, matchers=['team="web"'], receiver=receiver, position=0
    )
    return NotificationPolicy.objects.create(
        parent=root, matchers=['team="db"'], receiver=receiver, position=1, group_wait="1s"
    )


def test_the_page_shows_the_route_walk_and_the_notification_sent(client, viewer, webhook, policies):
    ingest("cpu.usage", "db-1", [(t0 - 10, 97)])
    make_rule(labels={"team": "db"})
    rules_evaluate(now=T0)
    dispatch_cycle(now=T0 + timedelta(seconds=2))
    alert = Alert.objects.get()
    client.force_login(viewer)
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Notification routing" in page
    assert "team=&quot;web&quot; does not match: team is &quot;db&quot;" in page
    assert "route.routes[1]" in page and "grouped here" in page
    assert "webhook[0]: notified" in page
    assert "sent" in page and len(webhook.requests) == 1


def test_an_inhibited_alert_says_by_which_alert(client, viewer, webhook, policies):
    InhibitionRule.objects.create(
        source_matchers=['severity="critical"'], target_matchers=['severity="warning"'],
        equal=["host"],
    )  # fmt: skip
    ingest("cpu.usage", "db-1", [(t0 - 10, 97)])
    make_rule(name="cpu critical", labels={"team": "db"}, severity="critical")
    make_rule(name="cpu warning", labels={"team": "db"}, severity="warning")
    rules_evaluate(now=T0)
    dispatch_cycle(now=T0 + timedelta(seconds=2))
    critical = Alert.objects.get(rule__name="cpu critical")
    warning = Alert.objects.get(rule__name="cpu warning")
    client.force_login(viewer)
    page = client.get(f"/alerts/{warning.pk}/").content.decode()
    assert f"inhibited by alert {critical.fingerprint}" in page
    assert [b["groupLabels"]["alertname"] for b in webhook.bodies()] == ["cpu critical"]


def test_broken_policies_are_reported_on_the_page(client, viewer, policies):
    ingest("cpu.usage", "db-1", [(t0 - 10, 97)])
    make_rule(labels={"team": "db"})
    rules_evaluate(now=T0)
    NotificationPolicy.objects.filter(pk=policies.pk).update(active_time_intervals=["nope"])
    client.force_login(viewer)
    page = client.get(f"/alerts/{Alert.objects.get().pk}/").content.decode()
    assert "The notification policies are invalid" in page and "nope" in page
