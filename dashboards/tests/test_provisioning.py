"""Configuration as code: provision DIR (idempotent, --dry-run diff, read-only results),
export_config DIR, and the round trip between them."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from rest_framework import serializers

from alerts.models import AlertRule, NotificationPolicy, Receiver, RecordingRule, Silence
from dashboards.models import Dashboard
from dashboards.services import dashboard_update
from prom.models import ScrapeTarget

pytestmark = pytest.mark.django_db

ALERTMANAGER = """
route:
  receiver: ops
  group_by: [alertname]
  routes:
    - matchers: ['team="db"']
      receiver: db
receivers:
  - name: ops
  - name: db
    webhook_configs: [{url: "http://hooks.test/db"}]
"""
HYDRA_RULES = """
rules:
  - name: cpu high
    metric: cpu.usage
    condition: threshold
    op: ">"
    threshold: 90
    window_seconds: 60
    labels: {team: db}
    summary_template: "{{ $labels.host }} at {{ $value }}"
"""
PROMETHEUS_RULES = """
groups:
  - name: node
    rules:
      - alert: HighLoad
        expr: node_load1{job="node", instance=~"web-.*"} > 4
        for: 5m
        labels: {severity: critical, team: web}
        annotations: {summary: "load {{ $value }}", runbook_url: "https://runbooks/load"}
      - record: job:load:avg
        expr: avg by (job) (node_load1)
      - alert: Complex
        expr: rate(http_errors_total[5m]) / rate(http_requests_total[5m]) > 0.05
"""
SILENCES = """
silences:
  - comment: weekly maintenance
    matchers: [{label: host, op: "=", value: db-1}]
    starts_at: "2026-11-01T00:00:00+00:00"
    ends_at: "2027-11-01T00:00:00+00:00"
    rrule: FREQ=WEEKLY;BYDAY=SU
    duration_minutes: 120
    timezone: Europe/Paris
"""
SCRAPE = """
scrape_configs:
  - job_name: node
    scrape_interval: 30s
    static_configs: [{targets: ["db-1:9100", "db-2:9100"], labels: {team: db}}]
"""
DASHBOARD = {
    "title": "Databases",
    "range": "6h",
    "panels": [{"title": "CPU", "query": {"name": "cpu.usage"}}],
}


def config_dir(tmp_path: Path) -> Path:
    root = tmp_path / "config"
    for sub in ("rules", "silences", "dashboards", "scrape_targets"):
        (root / sub).mkdir(parents=True)
    (root / "alertmanager.yml").write_text(ALERTMANAGER)
    (root / "rules" / "hydra.yml").write_text(HYDRA_RULES)
    (root / "rules" / "node.yml").write_text(PROMETHEUS_RULES)
    (root / "silences" / "maintenance.yml").write_text(SILENCES)
    (root / "dashboards" / "db.json").write_text(json.dumps(DASHBOARD))
    (root / "scrape_targets" / "nodes.yml").write_text(SCRAPE)
    return root


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_provision_loads_everything_marks_it_and_reports_what_does_not_map(tmp_path, owner):
    root = config_dir(tmp_path)
    output = run("provision", str(root), "--owner", owner.username)
    rule = AlertRule.objects.get(name="cpu high")
    assert rule.provisioned and rule.source.endswith("hydra.yml") and rule.labels == {"team": "db"}
    load = AlertRule.objects.get(name="HighLoad")
    assert (load.condition, load.expr, load.for_seconds, load.severity) == (
        "promql", 'node_load1{job="node", instance=~"web-.*"} > 4', 300, "critical")  # fmt: skip
    assert load.provisioned and load.labels == {"severity": "critical", "team": "web"}
    assert load.annotations == {
        "summary": "load {{ $value }}", "runbook_url": "https://runbooks/load"}  # fmt: skip
    assert AlertRule.objects.get(name="Complex").expr.startswith("rate(http_errors_total[5m])")
    record = RecordingRule.objects.get(record="job:load:avg")
    assert (record.group, record.expr) == ("node", "avg by (job) (node_load1)")
    assert (
        Silence.objects.get().provisioned and Silence.objects.get().rrule == "FREQ=WEEKLY;BYDAY=SU"
    )
    board = Dashboard.objects.get()
    assert board.provisioned and board.title == "Databases" and board.owner == owner
    assert NotificationPolicy.objects.get(matchers=['team="db"']).provisioned
    assert "+ rule 'cpu high'" in output and "+ dashboard 'Databases'" in output
    assert "+ rule 'HighLoad'" in output and "+ recording rule 'job:load:avg'" in output
    assert sorted(ScrapeTarget.objects.values_list("url", "interval_ms", "labels__team")) == [
        ("http://db-1:9100/metrics", 30_000, "db"), ("http://db-2:9100/metrics", 30_000, "db")]  # fmt: skip
    assert "~ scrape targets from" in output and "2 new" in output
    # idempotent
    assert run("provision", str(root)).splitlines()[-1] == "no changes"


def test_dry_run_prints_the_diff_and_writes_nothing(tmp_path, owner):
    root = config_dir(tmp_path)
    run("provision", str(root), "--owner", owner.username)
    version = AlertRule.objects.get(name="cpu high").version
    (root / "rules" / "hydra.yml").write_text(HYDRA_RULES.replace("threshold: 90", "threshold: 95"))
    (root / "rules" / "node.yml").unlink()
    output = run("provision", str(root), "--dry-run")
    assert "~ rule 'cpu high': threshold" in output
    assert "- rule 'HighLoad'" in output and "- rule 'Complex'" in output
    assert output.splitlines()[-1] == "would change 3 object(s)"
    assert AlertRule.objects.get(name="cpu high").threshold == 90
    assert AlertRule.objects.filter(name="HighLoad").exists()
    run("provision", str(root))
    rule = AlertRule.objects.get(name="cpu high")
    assert rule.threshold == 95 and rule.version == version + 1
    assert not AlertRule.objects.filter(name="HighLoad").exists()


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        ("rules/hydra.yml", HYDRA_RULES.replace("threshold: 90", "threshold: null"), "needs a threshold"),
        ("rules/hydra.yml", HYDRA_RULES.replace("window_seconds", "windows"), "unknown field"),
        ("rules/hydra.yml", "rules: [{name: x, channels: [nope], metric: m, threshold: 1}]", "unknown channel"),
        ("rules/hydra.yml", "something: else", "expected `rules:`"),
        ("silences/maintenance.yml", SILENCES.replace("Europe/Paris", "Mars/Olympus"), "Unknown time zone"),
        ("silences/maintenance.yml", SILENCES.replace("+00:00", ""), "needs a time zone"),
        ("dashboards/db.json", json.dumps({**DASHBOARD, "range": "forever"}), "range"),
        ("alertmanager.yml", ALERTMANAGER.replace("receiver: db", "receiver: nobody"), "undefined receiver"),
        ("rules/hydra.yml", "rules: [", "cannot read"),
        ("scrape_targets/nodes.yml", SCRAPE.replace("30s", "soon"), "nodes.yml"),
        ("rules/node.yml", PROMETHEUS_RULES.replace("> 4", "> > 4"), "node.yml"),
    ],
)  # fmt: skip
def test_an_invalid_file_is_refused_naming_it_and_nothing_is_written(
    tmp_path, owner, path, text, message
):
    root = config_dir(tmp_path)
    (root / path).write_text(text)
    with pytest.raises(CommandError, match=message) as caught:
        call_command("provision", str(root))
    assert str(root) in str(caught.value) or "range" in str(caught.value)
    assert not AlertRule.objects.exists() and not Silence.objects.exists()
    assert not Dashboard.objects.exists() and not Receiver.objects.filter(name="db").exists()
    assert not ScrapeTarget.objects.exists()


def test_provisioned_objects_are_read_only_in_the_api_admin_and_dashboards(
    tmp_path, owner, api, client, team_admin
):
    run("provision", str(config_dir(tmp_path)), "--owner", owner.username)
    rule = AlertRule.objects.get(name="cpu high")
    response = api.patch(f"/api/v1/alert-rules/{rule.pk}/", {"threshold": 1}, format="json")
    assert response.status_code == 403 and "change the file" in response.json()["detail"]
    assert api.delete(f"/api/v1/alert-rules/{rule.pk}/").status_code == 403
    silence = Silence.objects.get()
    assert api.delete(f"/api/v1/silences/{silence.pk}/").status_code == 403
    assert AlertRule.objects.get(pk=rule.pk).threshold == 90 and Silence.objects.exists()
    client.force_login(team_admin)
    assert client.get(f"/admin/alerts/alertrule/{rule.pk}/change/").status_code == 200
    assert (
        client.post(f"/admin/alerts/alertrule/{rule.pk}/change/", {"name": "x"}).status_code == 403
    )
    policy = NotificationPolicy.objects.get(matchers=['team="db"'])
    assert (
        client.post(
            f"/admin/alerts/notificationpolicy/{policy.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    with pytest.raises(serializers.ValidationError, match="Provisioned from"):
        dashboard_update(dashboard=Dashboard.objects.get(), definition={})


def test_export_then_provision_on_an_empty_instance_gives_the_same_configuration(tmp_path, owner):
    run("provision", str(config_dir(tmp_path)), "--owner", owner.username)
    first = tmp_path / "first"
    run("export_config", str(first))
    assert run("provision", str(first)).splitlines()[-1] != ""  # now owned by the export's files
    assert run("provision", str(first)).splitlines()[-1] == "no changes"
    AlertRule.objects.all().delete()
    Silence.objects.all().delete()
    Dashboard.objects.all().delete()
    NotificationPolicy.objects.all().delete()
    Receiver.objects.all().delete()
    run("provision", str(first), "--owner", owner.username)
    second = tmp_path / "second"
    run("export_config", str(second))
    for path in sorted(
        p for p in first.rglob("*") if p.is_file() and p.parent.name != "dashboards"
    ):
        assert path.read_text() == (second / path.relative_to(first)).read_text(), path
    [a], [b] = (
        list((first / "dashboards").glob("*.json")),
        list((second / "dashboards").glob("*.json")),
    )
    assert json.loads(a.read_text()) == json.loads(b.read_text())
    shutil.rmtree(first)
