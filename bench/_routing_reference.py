"""The routing benchmark's reference: the real Alertmanager on the same scenario.

Runs ``prometheus-alertmanager`` with ``GOMAXPROCS=1``, posts the alerts, collects its
first notifications in a local sink and compares them with the engine's; reports both
CPU times (see bench/routing.py, step 3).
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml
from _routing_scenario import config
from routing import api_bodies, engine_api_work

from alerts.routing.webhook import webhook_payload
from alerts.tests.alertmanager_process import BINARY, EXTERNAL_URL, Alertmanager, WebhookSink

WAIT_S = 20  # longer than posting 10,000 alerts takes, even on a loaded machine


def _notified(bodies: list[dict]) -> set:
    return {
        (b["receiver"], b["groupKey"], frozenset(a["fingerprint"] for a in b["alerts"]))
        for b in bodies
    }


def _settle(sink: WebhookSink, start: float, expected: int, timeout_s: float = 120.0) -> None:
    """Wait for the first flush: ``expected`` webhooks (or the timeout), then 2 s of quiet."""
    while time.monotonic() - start < timeout_s and len(sink.received) < expected:
        time.sleep(0.5)
    while time.monotonic() - (sink.received[-1][0] if sink.received else start) < 2.0:
        time.sleep(0.5)


def compare_with_alertmanager(cfg: dict, labels: list[dict], report: dict) -> dict:
    if BINARY is None:
        print("\nAlertmanager not installed (apt-get install prometheus-alertmanager): skipped")
        return {"pass": True, "skipped": True}
    sink = WebhookSink()
    am_cfg = config(group_wait=f"{WAIT_S}s", pager_wait=f"{WAIT_S}s", webhook=sink.url)
    with tempfile.TemporaryDirectory() as tmp:
        am = Alertmanager(yaml.safe_dump(am_cfg), Path(tmp), env={"GOMAXPROCS": "1"})
        try:
            result = _measure(am, sink, am_cfg, labels)
        finally:
            am.stop()
            sink.close()
    _print(result)
    return result


def _measure(am: Alertmanager, sink: WebhookSink, am_cfg: dict, labels: list[dict]) -> dict:
    now = datetime.now(UTC)
    bodies = api_bodies(labels, now)
    engine_cpu, notes = engine_api_work(am_cfg, bodies, now, WAIT_S)
    ours = _notified([webhook_payload(n, external_url=EXTERNAL_URL) for n in notes])
    cpu0, start = am.cpu_seconds(), time.monotonic()
    for body in bodies:
        am.post_alerts(body)
    post_s = time.monotonic() - start
    _settle(sink, start, len(ours))
    am_cpu = am.cpu_seconds() - cpu0
    theirs = _notified([body for _, _, body in sink.received])
    return {
        "pass": ours == theirs, "notifications": len(theirs), "post_s": post_s,
        "alertmanager_cpu_s": am_cpu, "engine_cpu_s": engine_cpu, "ratio": engine_cpu / am_cpu,
        "only_alertmanager": len(theirs - ours), "only_engine": len(ours - theirs),
    }  # fmt: skip


def _print(r: dict) -> None:
    print("\n| reference: Alertmanager 0.25, GOMAXPROCS=1 | value |\n|---|---|")
    rows = [
        ("POST /api/v2/alerts, all alerts (batches of 1,000)", f"{r['post_s']:.2f} s wall"),
        ("Alertmanager CPU: ingest + first flush (incl. its HTTP)", f"{r['alertmanager_cpu_s']:.2f} s"),
        ("engine CPU: API parse + ingest + flush + webhook JSON", f"{r['engine_cpu_s']:.2f} s"),
        ("ratio engine / Alertmanager", f"{r['ratio']:.2f}×"),
        ("first notifications identical (receiver, group key, alerts)",
         f"{r['pass']} ({r['notifications']} from Alertmanager; only AM {r['only_alertmanager']}, "
         f"only engine {r['only_engine']})"),
    ]  # fmt: skip
    for name, value in rows:
        print(f"| {name} | {value} |")
