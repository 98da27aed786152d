"""``import_scrape_config``: Prometheus's own scrape_configs -> ScrapeTargets, checked
against what a real Prometheus makes of the same file (its /api/v1/targets)."""

from __future__ import annotations

import json
import time
from io import StringIO
from pathlib import Path

import httpx
import pytest
import yaml
from django.core.management import CommandError, call_command

from prom.models import ScrapeTarget
from prom.tests.programs import PROMETHEUS, prometheus

pytestmark = pytest.mark.django_db

CONFIG = {
    "global": {"scrape_interval": "30s", "scrape_timeout": "5s"},
    "scrape_configs": [
        {
            "job_name": "node",
            "static_configs": [
                {"targets": ["web-1:9100", "web-2:9100"], "labels": {"env": "prod"}},
                {"targets": ["dev-1:9100"], "labels": {"env": "dev"}},
            ],
            "relabel_configs": [
                {"action": "drop", "source_labels": ["env"], "regex": "dev"},
                {
                    "source_labels": ["__address__"],
                    "regex": "([^:]+):\\d+",
                    "target_label": "node",
                    "replacement": "${1}",
                },
                {"action": "labeldrop", "regex": "tmp_.*"},
            ],
            "metric_relabel_configs": [
                {"action": "drop", "source_labels": ["__name__"], "regex": "go_.*"}
            ],
        },
        {
            "job_name": "blackbox",
            "scrape_interval": "15s",
            "metrics_path": "/probe",
            "scheme": "https",
            "params": {"module": ["http_2xx"]},
            "basic_auth": {"username": "prom", "password": "inline-secret"},
            "file_sd_configs": [{"files": ["targets/*.json"]}],
            "relabel_configs": [
                {"action": "keep", "source_labels": ["team"], "regex": "web|api"},
                {"source_labels": ["__address__"], "target_label": "__param_target"},
                {"source_labels": ["__param_target"], "target_label": "instance"},
                {"target_label": "__address__", "replacement": "probe:9115"},
            ],
        },
        {"job_name": "k8s", "kubernetes_sd_configs": [{"role": "pod"}]},
    ],
}
FILE_SD = [
    {"targets": ["https://a.example"], "labels": {"team": "web", "tmp_x": "1"}},
    {"targets": ["https://b.example"], "labels": {"team": "ops"}},
]


@pytest.fixture
def config_file(tmp_path) -> Path:
    (tmp_path / "targets").mkdir()
    (tmp_path / "targets" / "probes.json").write_text(json.dumps(FILE_SD))
    path = tmp_path / "prometheus.yml"
    path.write_text(yaml.safe_dump(CONFIG))
    return path


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_scrape_config", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_static_and_file_targets_with_relabeling(config_file):
    out, err = run(str(config_file))
    assert "3 created, 0 updated, 0 unchanged, 0 removed, 2 dropped by relabeling" in out
    assert "kubernetes_sd_configs skipped" in err
    assert "set environment variable SCRAPE_BLACKBOX_PASSWORD" in err
    node = ScrapeTarget.objects.get(url="http://web-1:9100/metrics")
    assert (node.job, node.interval, node.timeout) == ("node", "30s", "5s")
    assert node.labels == {"env": "prod", "node": "web-1"}
    assert node.metric_relabel_configs == CONFIG["scrape_configs"][0]["metric_relabel_configs"]
    probe = ScrapeTarget.objects.get(job="blackbox")
    assert probe.url == "https://probe:9115/probe?module=http_2xx&target=https%3A%2F%2Fa.example"
    assert probe.labels == {"instance": "https://a.example", "team": "web", "tmp_x": "1"}
    assert (probe.interval, probe.username, probe.password_env) == (
        "15s",
        "prom",
        "SCRAPE_BLACKBOX_PASSWORD",
    )
    assert "inline-secret" not in json.dumps(list(ScrapeTarget.objects.values()), default=str)


def test_a_second_import_is_idempotent_and_prune_removes_what_the_file_dropped(config_file):
    run(str(config_file))
    out, _ = run(str(config_file))
    assert "0 created, 0 updated, 3 unchanged" in out
    CONFIG_2 = {**CONFIG, "global": {"scrape_interval": "1m"}}
    CONFIG_2["scrape_configs"] = CONFIG["scrape_configs"][:1]
    config_file.write_text(yaml.safe_dump(CONFIG_2))
    out, _ = run(str(config_file), "--prune")
    assert "0 created, 2 updated, 0 unchanged, 1 removed" in out
    assert ScrapeTarget.objects.get(url="http://web-2:9100/metrics").interval == "1m"
    assert not ScrapeTarget.objects.filter(job="blackbox").exists()


def test_a_dry_run_writes_nothing(config_file):
    out, _ = run(str(config_file), "--dry-run")
    assert out.startswith("dry run, nothing written: 3 created")
    assert not ScrapeTarget.objects.exists()


@pytest.mark.parametrize(
    ("job", "message"),
    [
        ({"job_name": "x", "scheme": "ftp", "static_configs": [{"targets": ["a:1"]}]}, "http://"),
        (
            {"job_name": "x", "relabel_configs": [{"action": "hashmod"}], "static_configs": []},
            "not supported",
        ),
        (
            {"job_name": "x", "metric_relabel_configs": [{"action": "hashmod"}]},
            "not supported",
        ),
        (
            {"job_name": "x", "metric_relabel_configs": [{"action": "drop", "regex": "("}]},
            "error parsing regexp",
        ),
        ({"static_configs": []}, "needs a job_name"),
        (
            {"job_name": "x", "static_configs": [{"targets": ["a:1"]}], "scrape_interval": "1x"},
            "not a duration",
        ),
        (
            {"job_name": "x", "static_configs": [{"targets": ["a:1"], "labels": {"b-c": "1"}}]},
            "invalid",
        ),
    ],
)
def test_a_bad_configuration_is_refused_and_nothing_written(tmp_path, job, message):
    path = tmp_path / "p.yml"
    good = {"job_name": "ok", "static_configs": [{"targets": ["ok:1"]}]}
    path.write_text(yaml.safe_dump({"scrape_configs": [good, job]}))
    with pytest.raises(CommandError, match=message):
        run(str(path))
    assert not ScrapeTarget.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "nope.yml"))


@pytest.mark.slow
def test_the_targets_match_what_prometheus_makes_of_the_same_file(config_file, tmp_path):
    if PROMETHEUS is None:
        pytest.skip("prometheus is not installed (.ci/run installs it)")
    config = yaml.safe_load(config_file.read_text())
    config["scrape_configs"] = config["scrape_configs"][:2]  # no Kubernetes here
    workdir = tmp_path / "prom"
    workdir.mkdir()
    (workdir / "targets").mkdir()
    (workdir / "targets" / "probes.json").write_text(json.dumps(FILE_SD))
    run(str(config_file))
    with prometheus(config, workdir) as base:
        active = _active_targets(base, 3)
    expected = {
        (t["labels"]["job"], t["scrapeUrl"], frozenset(t["labels"].items())) for t in active
    }
    got = set()
    for t in ScrapeTarget.objects.all():
        labels = {"job": t.job, "instance": t.url.split("/")[2], **t.labels}
        got.add((t.job, t.url, frozenset(labels.items())))
    assert got == expected


def _active_targets(base: str, count: int) -> list[dict]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        data = httpx.get(f"{base}/api/v1/targets", timeout=5).json()["data"]["activeTargets"]
        if len(data) >= count:
            return data
        time.sleep(0.3)
    raise TimeoutError("Prometheus found too few targets")
