"""Receivers' integrations: webhook v4, signed Hydra webhook, Slack blocks, PagerDuty
Events v2, e-mail; outbound HTTP is mocked (only the configured URLs are called)."""

from __future__ import annotations

import json
import time

import pytest
from django.core import mail

from alerts.notifiers.integrations import (
    SIGNATURE_HEADER,
    deliver_integration,
    hydra_signature,
    verify_hydra_signature,
)

DATA = {
    "receiver": "db", "status": "firing", "version": "4", "groupKey": '{}:{alertname="X"}',
    "groupLabels": {"alertname": "X"}, "commonLabels": {"alertname": "X", "severity": "critical"},
    "commonAnnotations": {}, "externalURL": "http://hydra.test", "truncatedAlerts": 0,
    "alerts": [
        {"status": "firing", "labels": {"alertname": "X", "host": "db-1", "severity": "critical"},
         "annotations": {"summary": "disk full"}, "startsAt": "2026-11-20T12:00:00Z",
         "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "", "fingerprint": "0123456789abcdef"},
        {"status": "resolved", "labels": {"alertname": "X", "host": "db-2", "severity": "critical"},
         "annotations": {}, "startsAt": "2026-11-20T12:00:00Z",
         "endsAt": "2026-11-20T12:05:00Z", "generatorURL": "", "fingerprint": "fedcba9876543210"},
    ],
}  # fmt: skip


def test_webhook_posts_exactly_the_alertmanager_body_to_the_configured_url(webhook):
    outcome = deliver_integration("webhook", {"url": "http://hooks.test/x"}, DATA)
    assert outcome.ok
    assert [str(r.url) for r in webhook.requests] == ["http://hooks.test/x"]
    assert webhook.bodies() == [DATA]


def test_the_hydra_webhook_signs_timestamp_and_body_and_verification_refuses_replays(webhook):
    assert deliver_integration("hydra", {"url": "http://hooks.test/h", "secret": "s3"}, DATA).ok
    request = webhook.requests[0]
    header, body = request.headers[SIGNATURE_HEADER], request.content
    assert header.startswith("t=") and ",v1=" in header
    assert verify_hydra_signature("s3", header, body)
    assert not verify_hydra_signature("other", header, body)
    assert not verify_hydra_signature("s3", header, body + b" ")
    assert not verify_hydra_signature("s3", header, body, now=time.time() + 3600)  # a replay
    old = hydra_signature("s3", int(time.time()) - 3600, body)
    assert not verify_hydra_signature("s3", old, body)
    assert not verify_hydra_signature("s3", "garbage", body)


def test_the_hydra_webhook_can_take_its_secret_from_the_environment(webhook, monkeypatch):
    monkeypatch.setenv("HOOK_SECRET", "from-env")
    config = {"url": "http://hooks.test/h", "secret_env": "HOOK_SECRET"}
    assert deliver_integration("hydra", config, DATA).ok
    request = webhook.requests[0]
    assert verify_hydra_signature("from-env", request.headers[SIGNATURE_HEADER], request.content)


def test_slack_gets_blocks_not_plain_text(webhook):
    config = {"api_url": "https://hooks.slack.test/T/B", "channel": "#db"}
    assert deliver_integration("slack", config, DATA).ok
    message = webhook.bodies()[0]
    assert message["channel"] == "#db"
    kinds = [b["type"] for b in message["blocks"]]
    assert kinds == ["header", "section", "section", "context"]
    assert message["blocks"][0]["text"]["text"] == "[FIRING:1] alertname=X"
    assert "disk full" in message["blocks"][1]["text"]["text"]


def test_pagerduty_gets_an_events_v2_trigger_then_resolve_with_one_dedup_key(webhook):
    config = {"routing_key": "R0UT1NG"}
    assert deliver_integration("pagerduty", config, DATA).ok
    assert deliver_integration("pagerduty", config, {**DATA, "status": "resolved"}).ok
    assert {str(r.url) for r in webhook.requests} == {"https://events.pagerduty.com/v2/enqueue"}
    trigger, resolve = webhook.bodies()
    assert trigger["routing_key"] == "R0UT1NG" and trigger["event_action"] == "trigger"
    assert resolve["event_action"] == "resolve" and resolve["dedup_key"] == trigger["dedup_key"]
    assert trigger["payload"]["severity"] == "critical"
    assert trigger["payload"]["custom_details"]["num_firing"] == 1


def test_email_goes_to_the_configured_addresses(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_integration("email", {"to": "a@example.com, b@example.com"}, DATA).ok
    message = mail.outbox[0]
    assert message.to == ["a@example.com", "b@example.com"]
    assert message.subject == "[FIRING:1] alertname=X"
    assert "disk full" in message.body


def test_a_failing_endpoint_and_an_unknown_kind_are_failed_outcomes(webhook):
    webhook.status = 503
    outcome = deliver_integration("webhook", {"url": "http://hooks.test/x"}, DATA)
    assert not outcome.ok and outcome.status_code == 503
    outcome = deliver_integration("opsgenie", {"api_key": "k"}, DATA)
    assert not outcome.ok and "cannot send opsgenie" in outcome.error
    assert len(webhook.requests) == 1


@pytest.mark.parametrize("body", [b"{}", json.dumps(DATA).encode()])
def test_the_signature_is_over_timestamp_dot_body(body):
    header = hydra_signature("k", 1700000000, body)
    import hashlib
    import hmac

    expected = hmac.new(b"k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"
