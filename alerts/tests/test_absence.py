"""Absence rules: a series that stops sending fires, and so does a metric that never
reported at all (a typo, an exporter never deployed), like Prometheus's ``absent()``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Alert
from alerts.services.evaluation import rules_evaluate
from alerts.tests.conftest import ingest, make_rule
from metrics.models import Series

pytestmark = pytest.mark.django_db(transaction=True)


def absence(**fields):
    return make_rule(condition="absence", absence_minutes=10, threshold=None, **fields)


def test_a_metric_that_never_reported_fires_after_the_absence_time():
    absence(metric="nginx.requests", host_pattern="web-1")
    now = timezone.now()
    rules_evaluate(now=now)
    assert not Alert.objects.exists()  # not yet 10 minutes: the metric may still come
    assert not Series.objects.exists()  # and nothing is made before it would fire
    rules_evaluate(now=now + timedelta(minutes=11))
    alert = Alert.objects.get(state="firing")
    assert (alert.series.name, alert.series.host) == ("nginx.requests", "web-1")
    assert alert.value >= 600


def test_the_made_series_carries_the_selectors_literal_host_and_equal_labels():
    absence(
        metric="queue.depth",
        host_pattern="mq-*",
        label_matchers=[
            {"label": "queue", "op": "=", "value": "orders"},
            {"label": "region", "op": "=~", "value": "eu-.*"},
        ],
    )
    rules_evaluate(now=timezone.now() + timedelta(minutes=11))
    made = Series.objects.get(name="queue.depth")
    assert (made.host, made.labels) == ("", {"queue": "orders"})
    assert made.help.startswith("No data ever received")


def test_it_resolves_when_the_metric_starts_reporting_on_another_series():
    absence(metric="nginx.requests")
    now = timezone.now()
    rules_evaluate(now=now)
    rules_evaluate(now=now + timedelta(minutes=11))
    assert Alert.objects.get().state == "firing"
    later = now + timedelta(minutes=12)
    ingest("nginx.requests", "web-7", [(later.timestamp() - 5, 3.0)])
    rules_evaluate(now=later)
    states = dict(Alert.objects.values_list("series__host", "state"))
    assert states == {"": "resolved"}  # the new series reports: no alert for it


def test_when_the_literal_series_reports_the_same_alert_resolves():
    absence(metric="nginx.requests", host_pattern="web-1")
    now = timezone.now()
    rules_evaluate(now=now)
    rules_evaluate(now=now + timedelta(minutes=11))
    later = now + timedelta(minutes=12)
    ingest("nginx.requests", "web-1", [(later.timestamp() - 5, 3.0)])
    rules_evaluate(now=later)
    assert list(Alert.objects.values_list("state", flat=True)) == ["resolved"]
    assert Series.objects.filter(name="nginx.requests").count() == 1


def test_other_rules_on_the_metric_ignore_the_made_series():
    absence(name="gone", metric="nginx.requests")
    make_rule(name="idle", metric="nginx.requests", op="<", threshold=1.0)
    now = timezone.now()
    rules_evaluate(now=now)
    rules_evaluate(now=now + timedelta(minutes=11))
    assert list(Alert.objects.values_list("rule__name", "state")) == [("gone", "firing")]
