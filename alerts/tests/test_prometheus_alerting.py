"""A real Prometheus server uses Hydra as its Alertmanager: its rule fires, the alert
reaches ``POST /api/v2/alerts``, goes through the policies and out to a local webhook."""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest

from alerts.models import NotificationPolicy, ReceivedAlert, Receiver
from alerts.services.routing_config import root_policy
from alerts.tests.alertmanager_process import WebhookSink
from core.services import api_token_create
from prom.tests.programs import PROMETHEUS, prometheus

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.skipif(PROMETHEUS is None, reason="needs prometheus (apt-get install prometheus)"),
]

RULES = """
groups:
  - name: hydra-test
    interval: 1s
    rules:
      - alert: AlwaysFiring
        expr: vector(1)
        labels: {team: db, severity: critical}
        annotations: {summary: "value {{ $value }}"}
"""


def test_a_prometheus_alert_reaches_hydra_and_is_notified(live_server, owner, tmp_path):
    sink = WebhookSink()
    receiver = Receiver.objects.create(
        name="db", config={"webhook_configs": [{"url": f"{sink.url}/db"}]}
    )
    NotificationPolicy.objects.create(
        parent=root_policy(), matchers=['team="db"'], receiver=receiver, group_wait="0s",
        group_by=["alertname"],
    )  # fmt: skip
    _, key = api_token_create(user=owner)
    (tmp_path / "rules.yml").write_text(RULES)
    url = urlparse(live_server.url)
    config = {
        "global": {"evaluation_interval": "1s"},
        "rule_files": [str(tmp_path / "rules.yml")],
        "alerting": {"alertmanagers": [{
            "static_configs": [{"targets": [url.netloc]}], "path_prefix": "/",
            "authorization": {"credentials": key}, "api_version": "v2",
        }]},
    }  # fmt: skip
    try:
        # its first send may come before it has found Hydra: re-send every second
        with prometheus(config, tmp_path / "prom", ("--rules.alert.resend-delay=1s",)):
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not sink.received:
                time.sleep(0.25)
    finally:
        sink.close()
    received = ReceivedAlert.objects.get()
    assert received.labels == {"alertname": "AlwaysFiring", "team": "db", "severity": "critical"}
    assert received.annotations == {"summary": "value 1"}
    _, path, body = sink.received[0]
    assert path == "/db" and body["receiver"] == "db" and body["status"] == "firing"
    assert body["alerts"][0]["labels"]["alertname"] == "AlwaysFiring"
    assert body["alerts"][0]["generatorURL"].startswith("http")
