"""``manage.py import_prometheus_rules``: Prometheus rule files in, every expression checked
first; a dry run like ``promtool check rules``; re-importing updates."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from alerts.models import AlertRule, RecordingRule

pytestmark = pytest.mark.django_db

RULES = """
groups:
  - name: node
    interval: 30s
    rules:
      - record: instance:node_cpu:rate1m
        expr: sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[1m]))
        labels: {source: recording}
      - alert: InstanceDown
        expr: up == 0
        for: 5m
        keep_firing_for: 1m
        labels: {severity: critical, team: ops}
        annotations:
          summary: "{{ $labels.instance }} down"
          description: "{{ $labels.instance }} of {{ $labels.job }} has been down: {{ $value }}"
      - alert: InstanceDown
        expr: up == 0
        for: 1m
        labels: {severity: warning}
"""


def run(tmp_path, text: str, *args) -> str:
    path = tmp_path / "rules.yml"
    path.write_text(text)
    out = StringIO()
    call_command("import_prometheus_rules", str(path), *args, stdout=out)
    return out.getvalue()


def test_it_imports_alerting_and_recording_rules(tmp_path):
    output = run(tmp_path, RULES)

    assert "SUCCESS: 3 rules found (2 alerting, 1 recording)" in output
    assert "Imported: 3 rules created, 0 updated." in output
    down = AlertRule.objects.get(name="InstanceDown")
    assert (down.condition, down.expr, down.for_seconds, down.keep_firing_for_seconds) == (
        "promql",
        "up == 0",
        300,
        60,
    )
    assert down.labels == {"severity": "critical", "team": "ops"} and down.severity == "critical"
    assert down.annotations["summary"] == "{{ $labels.instance }} down"
    second = AlertRule.objects.get(name="InstanceDown #2")
    assert second.labels == {"severity": "warning", "alertname": "InstanceDown"}
    record = RecordingRule.objects.get()
    assert (record.record, record.group, record.interval_seconds) == (
        "instance:node_cpu:rate1m",
        "node",
        30,
    )
    assert record.labels == {"source": "recording"}


def test_importing_again_updates_instead_of_duplicating(tmp_path):
    run(tmp_path, RULES)
    output = run(tmp_path, RULES.replace("for: 5m", "for: 10m"))

    assert "0 rules created, 3 updated" in output
    assert AlertRule.objects.get(name="InstanceDown").for_seconds == 600
    assert AlertRule.objects.count() == 2 and RecordingRule.objects.count() == 1


def test_a_dry_run_checks_and_imports_nothing(tmp_path):
    output = run(tmp_path, RULES, "--dry-run")

    assert "SUCCESS: 3 rules found" in output and "Dry run: nothing imported." in output
    assert not AlertRule.objects.exists() and not RecordingRule.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: sum(\n",
            "Invalid PromQL",
        ),
        (
            "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up[5m]\n",
            "instant vector",
        ),
        (
            "groups:\n  - name: g\n    rules:\n      - record: 'bad name'\n        expr: up\n",
            "not a valid metric name",
        ),
        (
            "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        for: soon\n",
            "for",
        ),
        (
            "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        severity: x\n",
            "unknown field 'severity'",
        ),
        (
            "groups:\n  - name: g\n    rules:\n      - alert: A\n        record: b\n        expr: up\n",
            "exactly one of",
        ),
        (
            "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        labels: {a-b: x}\n",
            "not a valid label name",
        ),
        ("rules: []\n", "'groups' list"),
        ("groups: [\n", "not YAML"),
    ],
)
def test_any_problem_imports_nothing_and_says_where(tmp_path, text, message):
    good = "  - name: ok\n    rules:\n      - alert: Fine\n        expr: up == 0\n"
    body = text + good if text.startswith("groups:\n") else text

    with pytest.raises(CommandError, match="Nothing imported"):
        out = StringIO()
        try:
            call_command("import_prometheus_rules", _write(tmp_path, body), stdout=out)
        finally:
            assert message in out.getvalue(), out.getvalue()
    assert not AlertRule.objects.exists() and not RecordingRule.objects.exists()


def _write(tmp_path, text: str) -> str:
    path = tmp_path / "bad.yml"
    path.write_text(text)
    return str(path)


def test_a_missing_file_fails_cleanly(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_prometheus_rules", str(tmp_path / "nope.yml"), stdout=StringIO())
