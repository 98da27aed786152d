"""Hydra against the real Alertmanager 0.25, end to end over HTTP.

Both get the same ``alertmanager.yml`` (Hydra through ``import_alertmanager_config``):
nested routes, ``continue``, ``group_by`` (incl. ``...``), an inhibition rule and a mute
interval that is always active; both get the same alerts through ``POST /api/v2/alerts``
and send to a local webhook sink. The test requires the same notification groups
(receiver, status, group labels, group key, the alerts with their status), inhibited and
muted alerts absent from both, and each group's first notification at the same time
(± 1.5 s). Hydra's periodic dispatch task is played by calling the cycle every 100 ms.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime
from io import StringIO

import httpx
import pytest
from django.core.management import call_command

from alerts.services.dispatch import dispatch_cycle
from alerts.tests.alertmanager_process import BINARY, Alertmanager, WebhookSink
from core.services import api_token_create

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.skipif(BINARY is None, reason="needs prometheus-alertmanager (apt)"),
]

# Hydra's cycle runs every 100 ms here and sends a flush's notifications one by one
TOLERANCE_S = 1.5
RECEIVERS = ("default", "db", "db-pager", "db-audit", "staging")
CONFIG = """
route:
  receiver: default
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
  routes:
    - matchers: ['team="db"']
      receiver: db
      group_by: [alertname, cluster]
      continue: true
      routes:
        - matchers: ['severity="critical"']
          receiver: db-pager
    - match: {team: db}
      receiver: db-audit
      group_by: ['...']
    - matchers: [env="staging"]
      receiver: staging
      mute_time_intervals: [always]
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [cluster]
time_intervals:
  - name: always
    time_intervals: [{times: [{start_time: "00:00", end_time: "24:00"}]}]
receivers:
"""


def config(sink_url: str) -> str:
    return CONFIG + "".join(
        f"  - name: {n}\n    webhook_configs: [{{url: '{sink_url}/{n}', send_resolved: true}}]\n"
        for n in RECEIVERS
    )


def alert(starts: str, ends: str | None = None, **labels) -> dict:
    item = {"labels": labels, "annotations": {"summary": labels["alertname"]}, "startsAt": starts}
    return {**item, "endsAt": ends} if ends else item


def batches(now: datetime, later: datetime) -> tuple[list[dict], list[dict]]:
    t0, t1 = now.isoformat(), later.isoformat()
    first = [
        alert(t0, alertname="DiskFull", team="db", severity="critical", cluster="a"),
        alert(t0, alertname="Slow", team="db", severity="warning", cluster="a"),  # inhibited
        alert(t0, alertname="Slow", team="db", severity="warning", cluster="b"),
        alert(t0, alertname="Deploy", env="staging"),  # muted
        alert(t0, alertname="Other", service="x"),
        alert(t0, alertname="Other", service="y"),
    ]
    second = [
        alert(t0, t1, alertname="Slow", team="db", severity="warning", cluster="b"),  # resolved
        alert(t1, alertname="Other", service="z"),  # joins a flushed group
    ]
    return first, second


def notifications(sink: WebhookSink, start: float) -> list[tuple]:
    out = []
    for at, path, body in sink.received:
        alerts = frozenset(
            (a["status"], tuple(sorted(a["labels"].items())), a["fingerprint"])
            for a in body["alerts"]
        )
        group = tuple(sorted(body["groupLabels"].items()))
        out.append(
            (path, body["receiver"], body["status"], group, body["groupKey"], alerts, at - start)
        )
    return out


def test_hydra_sends_the_same_notification_groups_as_alertmanager(live_server, owner, tmp_path):
    am_sink, hydra_sink = WebhookSink(), WebhookSink()
    alertmanager = Alertmanager(config(am_sink.url), tmp_path)
    try:
        (tmp_path / "hydra.yml").write_text(config(hydra_sink.url))
        call_command("import_alertmanager_config", str(tmp_path / "hydra.yml"), stdout=StringIO())
        _, key = api_token_create(user=owner)
        hydra = httpx.Client(base_url=live_server.url, headers={"Authorization": f"Bearer {key}"})

        def post_both(body: list[dict]) -> None:
            alertmanager.post_alerts(body)
            assert hydra.post("/api/v2/alerts", json=body).status_code == 200

        def run_for(seconds: float) -> None:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                dispatch_cycle()
                time.sleep(0.1)

        assert hydra.get("/api/v2/status").status_code == 200  # warm up the server
        dispatch_cycle()
        start = time.monotonic()
        first, second = batches(datetime.now(UTC), datetime.now(UTC))
        post_both(first)
        run_for(4.0)
        _, second = batches(datetime.fromisoformat(first[0]["startsAt"]), datetime.now(UTC))
        post_both(second)
        run_for(5.0)
        hydra.close()
    finally:
        alertmanager.stop()
        am_sink.close()
        hydra_sink.close()
    expected = notifications(am_sink, start)
    got = notifications(hydra_sink, start)
    assert expected, "Alertmanager sent nothing: the reference is broken"
    assert Counter(n[:6] for n in got) == Counter(n[:6] for n in expected)
    firsts = {}
    for n in sorted(expected, key=lambda n: n[6]):
        firsts.setdefault(n[4], n[6])
    for n in sorted(got, key=lambda n: n[6]):
        if n[4] in firsts:
            assert abs(n[6] - firsts.pop(n[4])) < TOLERANCE_S, n[:5]
    receivers = {n[1] for n in expected}
    assert "staging" not in receivers  # muted
    sent = {a[1] for n in expected for a in n[5]}
    inhibited = tuple(
        sorted({"alertname": "Slow", "team": "db", "severity": "warning", "cluster": "a"}.items())
    )
    assert inhibited not in sent
