"""The admin: rule validation messages, version bumps, the backtest on the rule page,
the test-notification action, silences' creator and status."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import (
    AlertRule,
    Anomaly,
    DetectorState,
    NotificationAttempt,
    NotificationChannel,
    Silence,
)
from alerts.sensitivity import FEEDBACK_STEP
from alerts.tests.conftest import ingest, make_rule

pytestmark = pytest.mark.django_db
ADD = "/admin/alerts/alertrule/add/"


def form(**overrides) -> dict:
    data = {
        "name": "cpu high", "enabled": "on", "severity": "warning", "metric": "cpu.usage",
        "host_pattern": "*", "label_matchers": "[]", "condition": "threshold", "agg": "avg",
        "window_seconds": 300, "op": ">", "threshold": "90", "resolve_threshold": "",
        "detector": "", "sensitivity": 0.5, "horizon_seconds": 21600, "absence_minutes": 10,
        "for_seconds": 0, "keep_firing_for_seconds": 0, "flap_window_seconds": 600,
        "flap_max_transitions": 6, "summary_template": "{{ host }}", "description_template": "",
    }  # fmt: skip
    return {**data, **overrides}


def messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def errors(response) -> dict:
    return {k: list(v) for k, v in response.context["adminform"].form.errors.items()}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"threshold": ""}, "threshold", "A threshold rule needs a threshold."),
        ({"resolve_threshold": "95"}, "resolve_threshold", "With > or >=, the resolve threshold must be ≤ the threshold."),
        ({"host_regex": "on", "host_pattern": "web-("}, "host_pattern", "The host pattern is not a valid regex"),
        ({"label_matchers": '[{"label": "a", "op": "~", "value": "x"}]'}, "label_matchers", "matcher 1: op must be one of =, !=, =~"),
        ({"summary_template": "{% if %}"}, "summary_template", "Template error"),
        ({"condition": "anomaly", "detector": "nope"}, "detector", "Unknown detector"),
        ({"sensitivity": "1.5"}, "sensitivity", "Sensitivity must be between 0 and 1."),
        ({"condition": "absence", "absence_minutes": 0}, "absence_minutes", "An absence rule needs at least 1 minute"),
        ({"condition": "forecast", "horizon_seconds": 0}, "horizon_seconds", "A forecast breach rule needs a horizon"),
        ({"window_seconds": 5}, "window_seconds", "The window must be at least 15 seconds"),
        ({"flap_max_transitions": 1}, "flap_max_transitions", "Flapping needs at least 2 transitions."),
    ],
)  # fmt: skip
def test_it_explains_what_is_wrong_with_a_rule(staff, overrides, field, message):
    response = staff.post(ADD, form(**overrides))
    assert response.status_code == 200
    assert any(m.startswith(message) for m in errors(response)[field]), errors(response)
    assert not AlertRule.objects.exists()


def test_a_valid_rule_is_saved_and_an_edit_bumps_its_version(staff):
    assert staff.post(ADD, form()).status_code == 302
    rule = AlertRule.objects.get()
    assert rule.version == 1
    response = staff.post(f"/admin/alerts/alertrule/{rule.pk}/change/", form(threshold="80"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.threshold, rule.version) == (80, 2)


def test_the_rule_page_shows_the_backtest(staff):
    now = time.time()
    ingest("cpu.usage", "web-1", [(now - 3600 + i * 60, 95 if i == 30 else 10) for i in range(60)])
    rule = make_rule(window_seconds=60)
    response = staff.get(f"/admin/alerts/alertrule/{rule.pk}/change/")
    assert response.status_code == 200
    assert "Would have fired <strong>1</strong> times over 1 series" in response.content.decode()


def test_send_test_notification_records_the_attempt(staff, webhook, hook_channel):
    response = staff.post(
        "/admin/alerts/notificationchannel/",
        {"action": "send_test", "_selected_action": [hook_channel.pk]},
        follow=True,
    )
    assert messages(response) == ["ops hook: test notification sent."]
    assert len(webhook.requests) == 1
    assert NotificationAttempt.objects.get().ok is True


def test_a_failing_test_notification_says_why(staff, webhook, hook_channel):
    webhook.status = 500
    response = staff.post(
        "/admin/alerts/notificationchannel/",
        {"action": "send_test", "_selected_action": [hook_channel.pk]},
        follow=True,
    )
    assert messages(response) == ["ops hook: failed: boom"]
    assert NotificationAttempt.objects.get().status_code == 500


def test_a_channel_with_a_bad_address_is_refused(staff):
    response = staff.post(
        "/admin/alerts/notificationchannel/add/",
        {"name": "mail", "kind": "email", "target": "ops@example.com, nope", "group_wait_seconds": 30,
         "repeat_interval_seconds": 3600, "enabled": "on"},
    )  # fmt: skip
    assert "&#x27;nope&#x27; is not an e-mail address." in response.content.decode()
    assert not NotificationChannel.objects.exists()


def test_a_silence_records_its_creator_and_shows_its_status(staff, team_admin):
    now = timezone.now()
    response = staff.post(
        "/admin/alerts/silence/add/",
        {
            "matchers": '[{"label": "host", "op": "=", "value": "web-1"}]',
            "starts_at_0": (now - timedelta(hours=2)).strftime("%Y-%m-%d"),
            "starts_at_1": (now - timedelta(hours=2)).strftime("%H:%M:%S"),
            "ends_at_0": (now - timedelta(hours=1)).strftime("%Y-%m-%d"),
            "ends_at_1": (now - timedelta(hours=1)).strftime("%H:%M:%S"),
            "rrule": "", "duration_minutes": 60, "timezone": "UTC", "comment": "old deploy",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert Silence.objects.get().created_by == team_admin
    assert "expired" in staff.get("/admin/alerts/silence/").content.decode()


def test_not_an_anomaly_in_the_admin_says_the_new_sensitivity_and_undo_restores_it(staff):
    series = ingest("cpu.usage", "web-1", [(time.time(), 1)])
    DetectorState.objects.create(series=series, detector="hydra", state={}, sensitivity=0.5)
    anomaly = Anomaly.objects.create(series=series, ts=1, detector="hydra", value=9, score=0.9)
    url, pick = "/admin/alerts/anomaly/", {"_selected_action": [anomaly.pk]}
    response = staff.post(url, {"action": "not_an_anomaly", **pick}, follow=True)
    lowered = 0.5 - FEEDBACK_STEP
    assert messages(response) == [
        f"Marked as not an anomaly: 1. Sensitivity now {series}: {lowered:.2f}."
    ]
    assert DetectorState.objects.get().sensitivity == pytest.approx(lowered)
    response = staff.post(url, {"action": "undo_not_an_anomaly", **pick}, follow=True)
    assert messages(response) == [f"Restored: 1. Sensitivity now {series}: 0.50."]
    anomaly.refresh_from_db()
    assert not anomaly.dismissed and DetectorState.objects.get().sensitivity == 0.5
