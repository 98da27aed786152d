"""Notifications: grouping, retries with backoff, failures recorded, e-mail and Slack
bodies, the webhook signature, repeat interval, flapping notified once, sent only after
the commit."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import httpx
import pytest
from django.db import transaction

from alerts.models import Alert, Notification, NotificationAttempt, NotificationChannel
from alerts.services.evaluation import rules_evaluate
from alerts.services.notify import MAX_ATTEMPTS, notification_send, notifications_sweep
from alerts.tests.conftest import T0, ingest, make_rule

pytestmark = pytest.mark.django_db(transaction=True)
t0 = T0.timestamp()


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


def hot(*hosts: str) -> None:
    for host in hosts:
        ingest("cpu.usage", host, [(t0 - 10, 95)])


def test_the_webhook_is_signed_with_the_channel_secret(webhook, hook_channel):
    hot("web-1")
    make_rule(channels=[hook_channel])
    rules_evaluate(now=T0)
    [request] = webhook.requests
    expected = hmac.new(b"s3cret", request.content, hashlib.sha256).hexdigest()
    assert request.headers["X-Hydra-Signature"] == f"sha256={expected}"


def test_nothing_is_sent_before_the_commit_nor_after_a_rollback(webhook, hook_channel):
    hot("web-1")
    make_rule(channels=[hook_channel])
    with pytest.raises(RuntimeError), transaction.atomic():
        rules_evaluate(now=T0)
        assert webhook.requests == [] and Notification.objects.count() == 1
        raise RuntimeError("the surrounding transaction fails")
    assert webhook.requests == [] and not Notification.objects.exists()
    assert not Alert.objects.exists()
    rules_evaluate(now=at(15))  # the rolled-back claim leaves the rule due
    assert [b["alerts"][0]["kind"] for b in webhook.bodies()] == ["firing"]


def test_group_wait_gathers_the_alerts_of_a_rule_into_one_message(webhook, hook_channel):
    hook_channel.group_wait_seconds = 30
    hook_channel.save()
    hot("web-1", "web-2", "web-3")
    make_rule(channels=[hook_channel])
    rules_evaluate(now=T0)
    assert webhook.requests == []
    notifications_sweep(now=at(10))
    assert webhook.requests == []
    notifications_sweep()  # real time is later than T0 + 30 s
    [body] = webhook.bodies()
    assert sorted(a["host"] for a in body["alerts"]) == ["web-1", "web-2", "web-3"]


def test_a_failing_channel_is_retried_with_backoff_and_every_attempt_is_recorded(
    webhook, hook_channel
):
    webhook.status = 503
    hot("web-1")
    make_rule(channels=[hook_channel])
    report = rules_evaluate(now=T0)
    assert report.errors == [] and report.transitions == 1  # evaluation is not blocked
    note = Notification.objects.get()
    assert note.status == "pending" and note.attempts == 1 and note.last_error == "boom"
    first_retry = note.next_attempt_at
    assert (
        notification_send(notification_id=note.pk, now=first_retry - timedelta(seconds=1)) is None
    )
    webhook.status = 200
    assert notification_send(notification_id=note.pk, now=first_retry) is True
    note.refresh_from_db()
    assert note.status == "sent" and note.attempts == 2
    outcomes = list(NotificationAttempt.objects.values_list("ok", "status_code"))
    assert outcomes == [(False, 503), (True, 200)]


def test_it_gives_up_after_the_last_attempt_and_records_the_error(webhook, hook_channel):
    webhook.fail_with = httpx.ConnectError("connection refused")
    note = Notification.objects.create(channel=hook_channel, items=[], next_attempt_at=T0)
    when = T0
    for _ in range(MAX_ATTEMPTS):
        assert notification_send(notification_id=note.pk, now=when) is False
        note.refresh_from_db()
        assert note.next_attempt_at > when or note.status == "failed"
        when = note.next_attempt_at
    assert note.status == "failed" and "connection refused" in note.last_error
    assert NotificationAttempt.objects.filter(ok=False).count() == MAX_ATTEMPTS
    assert notification_send(notification_id=note.pk, now=when + timedelta(days=1)) is None


def test_email_has_a_plain_and_an_html_part(mailoutbox):
    channel = NotificationChannel.objects.create(
        name="mail", kind="email", target="ops@example.com, dev@example.com", group_wait_seconds=0
    )
    hot("web-1")
    make_rule(
        channels=[channel],
        summary_template="CPU {{ value }} on {{ host }}",
        description_template="<b>look</b>",
    )
    rules_evaluate(now=T0)
    [mail] = mailoutbox
    assert mail.to == ["ops@example.com", "dev@example.com"]
    assert mail.subject == "[FIRING] cpu high: CPU 95.0 on web-1"
    assert "<b>look</b>" in mail.body  # plain text, not escaped
    html, mime = mail.alternatives[0]
    assert mime == "text/html" and "CPU 95.0 on web-1" in html


def test_slack_gets_a_text_message(webhook):
    channel = NotificationChannel.objects.create(
        name="slack",
        kind="slack",
        target="https://hooks.slack.com/services/x",
        group_wait_seconds=0,
    )
    hot("web-1")
    make_rule(channels=[channel])
    rules_evaluate(now=T0)
    [body] = webhook.bodies()
    assert body["text"].startswith(":rotating_light: FIRING warning cpu high on web-1")


def test_a_still_firing_alert_is_renotified_after_the_repeat_interval(webhook, hook_channel):
    hook_channel.repeat_interval_seconds = 60
    hook_channel.save()
    ingest("cpu.usage", "web-1", [(t0 - 10 + i * 15, 95) for i in range(10)])
    make_rule(channels=[hook_channel])
    for i in range(7):
        rules_evaluate(now=at(i * 15))
    kinds = [b["alerts"][0]["kind"] for b in webhook.bodies()]
    assert kinds == ["firing", "repeat"]


def test_flapping_is_notified_once(webhook, hook_channel):
    points = [(t0 + i * 15 - 5, 95 if i % 2 == 0 else 10) for i in range(12)]
    ingest("cpu.usage", "web-1", points)
    make_rule(channels=[hook_channel], window_seconds=15, flap_max_transitions=4)
    for i in range(12):
        rules_evaluate(now=at(i * 15))
    kinds = [b["alerts"][0]["kind"] for b in webhook.bodies()]
    assert kinds == ["firing", "resolved", "firing", "flapping"]


def test_a_log_channel_writes_each_alert_to_hydras_log(caplog):
    channel = NotificationChannel.objects.create(name="demo log", kind="log", target="")
    channel.full_clean()
    hot("web-1")
    make_rule(channels=[channel])
    with caplog.at_level("WARNING", logger="hydra.notifications"):
        rules_evaluate(now=T0)
        notifications_sweep(now=at(3600))
    lines = [r.getMessage() for r in caplog.records if r.name == "hydra.notifications"]
    assert lines == ["[demo log] FIRING warning cpu high on web-1: cpu high on web-1: 95.0"]
    assert Notification.objects.get().status == "sent"
