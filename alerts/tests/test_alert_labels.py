"""Alerts carry labels (series + rule + severity + load_test) and rendered annotations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from alerts.models import Alert, AlertRule
from alerts.routing.labels import fingerprint, fingerprint_hex
from alerts.services.evaluation import rules_evaluate
from alerts.templating import render
from alerts.tests.conftest import T0, ingest, make_rule
from scenarios.models import ScenarioRun

pytestmark = pytest.mark.django_db(transaction=True)
t0 = T0.timestamp()


def test_an_alert_has_series_rule_and_severity_labels_and_templated_annotations():
    ingest("cpu.usage", "web-1", [(t0 - 30, 95), (t0 - 10, 97)], {"region": "eu"})
    make_rule(
        labels={"team": "db", "region": "override"}, severity="critical",
        summary_template="{{ $labels.host }} in {{ $labels.region }} at {{ $value }}",
        description_template="{{ host }} / {{ $labels.team }} / {{ $labels.missing }}.",
        annotations={"runbook_url": "https://runbooks/{{ $labels.alertname }}"},
    )  # fmt: skip
    rules_evaluate(now=T0)
    alert = Alert.objects.get()
    assert alert.labels == {
        "alertname": "cpu high", "rule": "cpu high", "host": "web-1", "metric": "cpu.usage",
        "region": "override", "team": "db", "severity": "critical",
    }  # fmt: skip
    assert alert.fingerprint == fingerprint_hex(fingerprint(alert.labels))
    assert alert.annotations == {
        "summary": "web-1 in override at 96",
        "description": "web-1 / db / .",
        "runbook_url": "https://runbooks/cpu high",
    }
    assert alert.summary == "web-1 in override at 96"


def test_a_label_value_is_printed_not_interpreted_as_a_template():
    context = {"labels": {"host": "{{ rule }}{% now 'Y' %}"}, "rule": "SECRET", "value": 1.5}
    assert render("{{ $labels.host }} {{$value}}", context) == "{{ rule }}{% now 'Y' %} 1.5"


@pytest.mark.parametrize(
    ("template", "text"),
    [
        ("{{ $value | humanize }} on {{ .Labels.host | toUpper }}", "1.235M on WEB-1"),
        ("{{ humanizePercentage $value }}", "1.235e+08%"),  # Go: %.4g%%
        ('{{ printf "%.2f" $value }} / {{ $value | printf "%.0f" }}', "1234567.00 / 1234567"),
        ("{{ .Value }} {{- $labels.missing }}", "1.234567e+06"),
        ("{{ $labels.host | humanize }}", "<error: 'web-1' is not a number>"),
    ],
)
def test_prometheus_template_functions_and_pipelines(template, text):
    context = {"labels": {"host": "web-1"}, "value": 1234567.0}
    assert render(template, context) == text


def test_an_alert_during_a_load_test_has_the_load_test_label():
    run = ScenarioRun.objects.create(
        name="checkout", spec={"requests": [{"url": "http://127.0.0.1/"}]}, status="running",
        started_at=T0 - timedelta(minutes=5),
    )  # fmt: skip
    ingest("cpu.usage", "web-1", [(t0 - 10, 97)])
    make_rule()
    rules_evaluate(now=T0)
    alert = Alert.objects.get()
    assert alert.labels["load_test"] == str(run.pk)
    assert alert.annotations["load_test"] == f"during load test #{run.pk} checkout"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"labels": {"bad-name": "x"}}, "labels", "not a valid name"),
        ({"labels": {"team": 3}}, "labels", "must be a string"),
        ({"labels": {"team": "a\x07b"}}, "labels", "control characters"),
        ({"labels": ["team"]}, "labels", "must be an object"),
        ({"annotations": {"runbook": "{% if %}"}}, "annotations", "Template error"),
        ({"summary_template": "{{ $labels.host }} {% bad %}"}, "summary_template", "Template"),
        ({"annotations": {"x": "{{ $value | reReplaceAll }}"}}, "annotations", "Template error"),
        ({"summary_template": "{{ humanize $value $value }}"}, "summary_template", "Template"),
    ],
)
def test_bad_labels_or_annotations_are_refused_and_nothing_is_saved(fields, field, message):
    with pytest.raises(ValidationError) as caught:
        make_rule(**fields)
    assert message in " ".join(caught.value.message_dict[field])
    assert not AlertRule.objects.exists()
