"""PromQL alerting rules (one alert per output series, like Prometheus's) and recording
rules (output written back as series), on the same cycle as every rule; their backtest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from alerts.models import Alert, AlertRule, Notification, RecordingRule
from alerts.services.backtest import rule_backtest
from alerts.services.evaluation import rules_evaluate
from alerts.tests.conftest import T0, ingest, make_rule
from metrics.models import Point, Series

pytestmark = pytest.mark.django_db(transaction=True)
t0 = T0.timestamp()


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


def promql_rule(**fields) -> AlertRule:
    return make_rule(
        **{"condition": "promql", "metric": "", "threshold": None, "name": "down", **fields}
    )


@pytest.fixture
def targets():
    """``up`` of three instances: web-1 and web-2 down, db-1 up (points every 15 s)."""
    made = {}
    for host, value in (("web-1", 0), ("web-2", 0), ("db-1", 1)):
        points = [(t0 - 60 + 15 * i, value) for i in range(9)]
        made[host] = ingest("up", host, points, {"job": "node"})
    return made


def test_each_output_series_is_an_alert_with_prometheus_labels_and_annotations(
    targets, webhook, hook_channel
):
    rule = promql_rule(
        expr="up == 0",
        labels={"severity": "page"},
        annotations={"summary": "{{ $labels.host }} of {{ $labels.job }} is down ({{ $value }})"},
        channels=[hook_channel],
    )

    report = rules_evaluate(now=T0)

    assert report.errors == [] and report.transitions == 2
    alerts = Alert.objects.select_related("series").order_by("series__host")
    assert [(a.series.host, a.state) for a in alerts] == [("web-1", "firing"), ("web-2", "firing")]
    assert alerts[0].series.name == "ALERTS"
    assert alerts[0].series.labels == {"alertname": "down", "job": "node", "severity": "page"}
    assert alerts[0].summary == "web-1 of node is down (0)"  # Go prints float64 0 as 0
    assert Notification.objects.exists() and len(webhook.bodies()[0]["alerts"]) == 2
    assert rule.alerts.count() == 2


def test_an_output_sample_whose_value_is_nan_fires_as_prometheus_fires_it(targets):
    """Prometheus fires for every sample of the output, whatever its value: NaN included."""
    promql_rule(expr="up / (up - up)")  # 0/0 for the down ones: NaN; 1/0 for db-1: +Inf

    rules_evaluate(now=T0)

    alerts = Alert.objects.select_related("series").order_by("series__host")
    assert [(a.series.host, a.state) for a in alerts] == [
        ("db-1", "firing"),
        ("web-1", "firing"),
        ("web-2", "firing"),
    ]


def test_for_holds_alerts_pending_and_a_series_leaving_the_output_resolves(targets):
    promql_rule(expr='up{host="web-1"} == 0', for_seconds=30)

    rules_evaluate(now=T0)
    assert Alert.objects.get().state == "pending"
    rules_evaluate(now=at(30))
    assert Alert.objects.get().state == "firing"
    ingest("up", "web-1", [(t0 + 40, 1.0), (t0 + 45, 1.0)], {"job": "node"})
    rules_evaluate(now=at(45))
    assert Alert.objects.get().state == "resolved"


def alerts_series(at_s: float) -> list[tuple[str, str, float]]:
    """What PromQL's ``ALERTS`` answers at ``at_s``: (host, alertstate, value)."""
    from prom.queries import promql_instant

    rows = promql_instant(query="ALERTS", time_ms=int(at_s * 1000)).series()
    return sorted((labels["host"], labels["alertstate"], float(v[-1])) for labels, _, v in rows)


def test_pending_and_firing_alerts_are_prometheus_alerts_series(targets):
    promql_rule(expr='up{host="web-1"} == 0', for_seconds=30)

    rules_evaluate(now=T0)
    assert alerts_series(t0) == [("web-1", "pending", 1.0)]
    rules_evaluate(now=at(30))
    assert alerts_series(t0 + 30) == [("web-1", "firing", 1.0)]  # the pending one stale
    ingest("up", "web-1", [(t0 + 40, 1.0), (t0 + 45, 1.0)], {"job": "node"})
    rules_evaluate(now=at(45))
    assert Alert.objects.get().state == "resolved"
    assert alerts_series(t0 + 45) == []  # stale-marked at once, not after 5 minutes
    assert alerts_series(t0 + 31) == [("web-1", "firing", 1.0)]  # the past is kept


def test_keep_firing_for_keeps_an_alert_after_its_series_leaves(targets):
    promql_rule(expr='up{host="web-1"} == 0', keep_firing_for_seconds=60)

    rules_evaluate(now=T0)
    ingest("up", "web-1", [(t0 + i, 1.0) for i in range(5, 121, 5)], {"job": "node"})  # back up
    rules_evaluate(now=at(15))
    assert Alert.objects.get().state == "firing"
    rules_evaluate(now=at(90))
    assert Alert.objects.get().state == "resolved"


def test_a_failing_expression_marks_only_its_rule_in_error(targets):
    bad = promql_rule(expr="up + on(job) up", name="many to many")
    promql_rule(expr="up == 0")

    report = rules_evaluate(now=T0)

    bad.refresh_from_db()
    assert bad.last_status == "error" and "many-to-many" in bad.error
    assert Alert.objects.count() == 2 and len(report.errors) == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"expr": ""}, "expr", "needs an expression"),
        ({"expr": "sum("}, "expr", "Invalid PromQL"),
        ({"expr": "up[5m]"}, "expr", "instant vector or a scalar"),
        ({"expr": "up", "labels": {"bad-name": "x"}}, "labels", "not a valid label name"),
        ({"expr": "up", "labels": ["x"]}, "labels", "must be an object"),
        ({"expr": "up", "annotations": {"summary": "{% if %}"}}, "annotations", "Template error"),
    ],
)
def test_invalid_promql_rules_are_refused_and_not_saved(fields, field, message):
    with pytest.raises(ValidationError) as caught:
        promql_rule(**fields)

    assert any(message in m for m in caught.value.message_dict[field])
    assert not AlertRule.objects.exists()


def test_other_rules_still_need_a_metric():
    with pytest.raises(ValidationError) as caught:
        make_rule(metric="")
    assert "metric" in caught.value.message_dict


def test_the_backtest_replays_the_expression_as_a_range_query():
    now = T0.timestamp() // 60 * 60
    ingest("temp", "web-1", [(now - 3600 + 15 * i, 50 + (i % 80)) for i in range(240)])
    rule = promql_rule(expr="temp > 120", for_seconds=60)

    result = rule_backtest(rule=rule, now=T0, days=1)

    assert result.series == 1 and result.step_s == 60
    assert result.count == 3  # three climbs past 120 lasting over a minute in the last hour
    assert all("alertname=down" in name for name, _ in result.fired)


def test_recording_rules_write_their_output_as_series_on_the_cycle(targets):
    RecordingRule.objects.create(
        record="job:up:sum", expr="sum by (job) (up)", labels={"source": "rule"}
    )

    rules_evaluate(now=T0)

    series = Series.objects.get(name="job:up:sum")
    assert series.labels == {"job": "node", "source": "rule"}
    assert list(Point.objects.filter(series=series).values_list("ts", "value")) == [
        (int(t0) * 10**6, 1.0)
    ]
    rules_evaluate(now=at(5))  # not due again before its interval
    assert Point.objects.filter(series=series).count() == 1


def test_a_recording_rule_that_fails_says_why():
    rule = RecordingRule.objects.create(record="x", expr="vector(1) + on() group_left vector(1)")
    RecordingRule.objects.filter(pk=rule.pk).update(expr="sum(")

    rules_evaluate(now=T0)

    rule.refresh_from_db()
    assert rule.last_status == "error" and "parse error" in rule.error
