"""What an alert's episode tells its channels: an acknowledged alert stops repeating until
it resolves or fires again, and the end of flapping tells the state the alert settled in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alerts.models import Alert
from alerts.services.evaluation import rules_evaluate
from alerts.services.rules import alert_acknowledge
from alerts.tests.conftest import T0, ingest, make_rule

pytestmark = pytest.mark.django_db(transaction=True)
t0 = T0.timestamp()


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


def kinds(webhook) -> list[str]:
    return [item["kind"] for body in webhook.bodies() for item in body["alerts"]]


@pytest.fixture
def repeating(hook_channel):
    hook_channel.repeat_interval_seconds = 60
    hook_channel.save()
    return hook_channel


def test_an_acknowledged_alert_is_not_repeated(webhook, repeating, owner):
    ingest("cpu.usage", "web-1", [(t0 - 10 + i * 15, 95) for i in range(20)])
    make_rule(channels=[repeating])
    for i in range(5):
        rules_evaluate(now=at(i * 15))
    assert kinds(webhook) == ["firing", "repeat"]
    alert_acknowledge(alert=Alert.objects.get(), user=owner)
    for i in range(5, 20):
        rules_evaluate(now=at(i * 15))
    assert kinds(webhook) == ["firing", "repeat"]  # nothing more while it stays firing


def test_an_acknowledged_alert_that_fires_again_repeats_again(webhook, repeating, owner):
    values = [95] * 4 + [10] * 2 + [95] * 12
    ingest("cpu.usage", "web-1", [(t0 - 10 + i * 15, v) for i, v in enumerate(values)])
    make_rule(channels=[repeating], window_seconds=15)
    rules_evaluate(now=at(0))
    alert_acknowledge(alert=Alert.objects.get(), user=owner)
    for i in range(1, len(values)):
        rules_evaluate(now=at(i * 15))
    assert Alert.objects.get().acknowledged_at is None  # a new episode
    assert kinds(webhook) == ["firing", "resolved", "firing", "repeat", "repeat"]


def test_the_end_of_flapping_tells_the_state_it_settled_in(webhook, hook_channel):
    flaps = [95 if i % 2 == 0 else 10 for i in range(6)]  # fire, resolve, ... 6 transitions
    calm = [10] * 50  # then it stays resolved
    points = [(t0 + i * 15 - 5, v) for i, v in enumerate(flaps + calm)]
    ingest("cpu.usage", "web-1", points)
    make_rule(
        channels=[hook_channel], window_seconds=15, flap_max_transitions=4, flap_window_seconds=300
    )
    for i in range(len(points)):
        rules_evaluate(now=at(i * 15))
    assert kinds(webhook) == ["firing", "resolved", "firing", "flapping", "resolved"]
    assert Alert.objects.get().flapping is False


def test_flapping_that_ends_while_firing_says_it_is_firing(webhook, hook_channel):
    flaps = [95 if i % 2 == 0 else 10 for i in range(6)]
    points = [(t0 + i * 15 - 5, v) for i, v in enumerate(flaps + [95] * 50)]
    ingest("cpu.usage", "web-1", points)
    make_rule(
        channels=[hook_channel], window_seconds=15, flap_max_transitions=4, flap_window_seconds=300
    )
    for i in range(len(points)):
        rules_evaluate(now=at(i * 15))
    assert kinds(webhook)[-2:] == ["flapping", "firing"]
