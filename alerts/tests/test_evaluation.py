"""Rule evaluation against stored points: alerts, events, errors, claims, restart safety."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError

from alerts.models import Alert, AlertEvent, AlertRule, Notification
from alerts.services import evaluation
from alerts.services.evaluation import rules_claim, rules_evaluate
from alerts.services.notify import notifications_sweep
from alerts.tests.conftest import T0, ingest, make_rule

pytestmark = pytest.mark.django_db(transaction=True)
t0 = T0.timestamp()


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


def test_a_crossing_fires_one_alert_per_series_and_records_the_transition(webhook, hook_channel):
    hot = ingest("cpu.usage", "web-1", [(t0 - 30, 95), (t0 - 10, 97)], {"region": "eu"})
    ingest("cpu.usage", "web-2", [(t0 - 30, 20), (t0 - 10, 25)])
    rule = make_rule(
        channels=[hook_channel], summary_template="{{ host }} at {{ value }}% ({{ labels.region }})"
    )
    report = rules_evaluate(now=T0)
    assert report.rules == 1 and report.transitions == 1 and report.errors == []
    alert = Alert.objects.get()
    assert (alert.series_id, alert.state, alert.value) == (hot.pk, "firing", 96.0)
    assert alert.summary == "web-1 at 96.0% (eu)"
    event = AlertEvent.objects.get()
    assert (event.from_state, event.to_state, event.rule_version) == (
        "inactive",
        "firing",
        rule.version,
    )
    assert len(webhook.requests) == 1
    assert webhook.bodies()[0]["alerts"][0]["kind"] == "firing"
    assert Notification.objects.get().status == "sent"


def test_evaluating_again_after_rebuilding_from_the_database_does_not_renotify(
    webhook, hook_channel
):
    ingest("cpu.usage", "web-1", [(t0 - 10, 95), (t0 + 5, 96), (t0 + 20, 97)])
    make_rule(channels=[hook_channel])
    rules_evaluate(now=at(0))
    assert len(webhook.requests) == 1
    # a restart: nothing survives but the database (every object is re-read)
    rules_evaluate(now=at(15))
    rules_evaluate(now=at(30))
    notifications_sweep(now=at(3600))
    assert len(webhook.requests) == 1
    assert AlertEvent.objects.count() == 1
    assert Alert.objects.get().state == "firing"


def test_a_rule_that_raises_is_marked_in_error_and_the_others_carry_on():
    ingest("cpu.usage", "web-1", [(t0 - 10, 95)])
    good = make_rule()
    broken = make_rule(name="broken")
    AlertRule.objects.filter(pk=broken.pk).update(host_regex=True, host_pattern="web-(")
    report = rules_evaluate(now=T0)
    assert len(report.errors) == 1 and "broken" in report.errors[0]
    broken.refresh_from_db()
    good.refresh_from_db()
    assert broken.last_status == "error" and "missing )" in broken.error
    assert good.last_status == "ok" and good.error == ""
    assert Alert.objects.filter(rule=good, state="firing").exists()


def test_when_the_batched_write_fails_only_the_rule_whose_own_write_fails_is_in_error(
    monkeypatch,
):
    ingest("cpu.usage", "web-1", [(t0 - 10, 95)])
    good, broken = make_rule(), make_rule(name="broken")
    real_create = evaluation.alerts_create

    def refuse_broken(alerts):  # a write the database refuses, e.g. a constraint
        if any(a.rule_id == broken.pk for a in alerts):
            raise IntegrityError("refused")
        real_create(alerts)

    monkeypatch.setattr(evaluation, "alerts_create", refuse_broken)
    report = rules_evaluate(now=T0)
    assert report.transitions == 1 and report.errors == ["broken: refused"]
    good.refresh_from_db()
    broken.refresh_from_db()
    assert (good.last_status, broken.last_status) == ("ok", "error")
    alert = Alert.objects.get()
    assert alert.rule == good and alert.state == "firing"
    assert list(AlertEvent.objects.values_list("alert_id", flat=True)) == [alert.pk]


def test_an_overlapping_evaluation_claims_nothing():
    make_rule()
    assert len(rules_claim(now=T0)) == 1
    assert rules_claim(now=T0 + timedelta(seconds=5)) == []
    assert len(rules_claim(now=T0 + timedelta(seconds=15))) == 1


def test_host_glob_and_label_matchers_select_the_series():
    ingest("cpu.usage", "web-1", [(t0 - 10, 95)], {"region": "eu"})
    ingest("cpu.usage", "web-2", [(t0 - 10, 95)], {"region": "us"})
    ingest("cpu.usage", "db-1", [(t0 - 10, 95)], {"region": "eu"})
    make_rule(host_pattern="web-*", label_matchers=[{"label": "region", "op": "!=", "value": "us"}])
    rules_evaluate(now=T0)
    assert list(Alert.objects.values_list("series__host", flat=True)) == ["web-1"]


def test_absence_fires_when_a_series_stops_sending():
    ingest("cpu.usage", "web-1", [(t0 - 700, 1)])
    ingest("cpu.usage", "web-2", [(t0 - 10, 1)])
    make_rule(condition="absence", absence_minutes=10, threshold=None)
    rules_evaluate(now=T0)
    alert = Alert.objects.get()
    assert alert.series.host == "web-1" and alert.state == "firing" and alert.value == 700


def test_rate_of_change_compares_the_change_per_second():
    ingest("disk.used", "db-1", [(t0 - 50, 100), (t0 - 10, 500)])
    make_rule(metric="disk.used", condition="rate", op=">", threshold=5)
    rules_evaluate(now=T0)
    assert Alert.objects.get().value == 10.0


def test_a_forecast_rule_evaluates_to_no_data_until_forecasts_exist():
    ingest("disk.used", "db-1", [(t0 - 10, 100)])
    rule = make_rule(metric="disk.used", condition="forecast", op=">", threshold=90)
    report = rules_evaluate(now=T0)
    rule.refresh_from_db()
    assert report.errors == [] and rule.last_status == "no data"
    assert not Alert.objects.exists()


def test_a_resolution_is_notified_and_an_edited_rule_records_its_new_version(webhook, hook_channel):
    ingest("cpu.usage", "web-1", [(t0 - 10, 95), (t0 + 50, 10)])
    rule = make_rule(channels=[hook_channel])
    rules_evaluate(now=at(0))
    rule.version += 1
    rule.save()
    rules_evaluate(now=at(75))
    events = list(AlertEvent.objects.values_list("to_state", "rule_version"))
    assert events == [("firing", 1), ("resolved", 2)]
    assert [b["alerts"][0]["kind"] for b in webhook.bodies()] == ["firing", "resolved"]


def test_a_forecast_rule_fires_when_the_latest_forecast_crosses_within_the_horizon():
    models = pytest.importorskip("forecasting.models")
    if not hasattr(models, "ForecastPoint"):
        pytest.skip("the forecasting app stores no forecasts yet")
    series = ingest("disk.used", "db-1", [(t0 - 10, 70)])
    forecast = models.Forecast.objects.create(
        series=series, horizon_seconds=7200, step_seconds=3600
    )
    for hours, upper in ((1, 85), (2, 95)):
        models.ForecastPoint.objects.create(
            forecast=forecast,
            ts=int((t0 + hours * 3600) * 1e6),
            yhat=upper - 5,
            yhat_lower=upper - 10,
            yhat_upper=upper,
        )
    make_rule(metric="disk.used", condition="forecast", op=">", threshold=90, horizon_seconds=3600)
    rules_evaluate(now=T0)
    assert not Alert.objects.exists()  # the 95 lies beyond the one-hour horizon
    make_rule(
        name="within 6 h",
        metric="disk.used",
        condition="forecast",
        op=">",
        threshold=90,
        horizon_seconds=21600,
    )
    rules_evaluate(now=at(15))
    assert Alert.objects.get().value == 95


def test_a_grouped_notification_waiting_across_a_restart_is_sent_once(webhook, hook_channel):
    hook_channel.group_wait_seconds = 30
    hook_channel.save()
    ingest("cpu.usage", "web-1", [(t0 - 10, 95), (t0 + 10, 95)])
    make_rule(channels=[hook_channel])
    rules_evaluate(now=at(0))
    assert webhook.requests == []  # waiting for the group; only the database knows
    rules_evaluate(now=at(15))
    notifications_sweep(now=at(45))
    notifications_sweep(now=at(60))
    assert len(webhook.requests) == 1
    assert Notification.objects.get().status == "sent"
