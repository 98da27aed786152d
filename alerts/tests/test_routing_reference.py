"""The routing engine against the real Alertmanager 0.25, fed the same config and alerts.

Both get one ``alertmanager.yml`` (nested routes, ``continue``, ``group_by`` incl. ``...``
and an empty list, legacy ``match`` / ``match_re``, two inhibition rules, a mute interval
active now, an active interval never active, ``send_resolved: false``) and
the same two batches of alerts, posted to Alertmanager's ``/api/v2/alerts`` and given to
the engine through the same API conversion at the same moment. Alertmanager's webhooks go
to a local sink; the engine's notifications are turned into webhook bodies directly. The
test requires the same notifications (every body identical: receiver, status, alerts with
labels, times and fingerprints, group labels, group key) at the same times (±0.5 s).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from alerts.routing import Dispatcher, alerts_from_api, format_time, load_config_yaml
from alerts.routing.webhook import webhook_payload
from alerts.tests.alertmanager_process import BINARY, EXTERNAL_URL, Alertmanager, WebhookSink

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        BINARY is None,
        reason="needs Alertmanager: apt-get install -y prometheus-alertmanager",
    ),
]

RECEIVERS = ("default", "db", "db-pager", "db-audit", "web.api", "ops", "staging", "dev")
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
    - matchers: ['{service=~"web|api", severity!="info"}']
      receiver: web.api
      group_by: [alertname, job]
    - matchers: [team="ops"]
      receiver: ops
      group_by: []  # an empty list inherits [alertname] in Alertmanager
    - matchers: [env="staging"]
      receiver: staging
      mute_time_intervals: [always]
    - match_re: {env: 'dev.*'}
      receiver: dev
      active_time_intervals: [never]
receivers:
%s
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname, cluster]
  - source_match: {kind: outage}
    target_match_re: {kind: 'outage|symptom'}
    equal: [site]
time_intervals:
  - name: always
    time_intervals:
      - days_of_month: ['1:-1']
        location: Pacific/Auckland
  - name: never
    time_intervals:
      - years: ['2001']
"""


def _config(sink_url: str) -> str:
    receivers = "\n".join(
        f"  - name: {name}\n    webhook_configs:\n      - url: {sink_url}/{name}"
        + ("\n        send_resolved: false" if name == "db-pager" else "")
        for name in RECEIVERS
    )
    return CONFIG % receivers


class EngineTwin:
    """The engine on the real clock: a thread flushes every 20 ms, like timers firing."""

    def __init__(self, config_text: str) -> None:
        self.config = load_config_yaml(config_text)
        self.dispatcher = Dispatcher(self.config)
        self.sent: list[tuple[float, dict]] = []
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def post_alerts(self, body: list[dict]) -> None:
        now = datetime.now(UTC)
        alerts, errors = alerts_from_api(body, now=now, resolve_timeout=self.config.resolve_timeout)
        assert not errors
        with self.lock:
            self.dispatcher.ingest(alerts, now)

    def _run(self) -> None:
        while not self.stopped.wait(0.02):
            with self.lock:
                notes = self.dispatcher.flush(datetime.now(UTC))
            for note in notes:
                self.sent.append(
                    (time.monotonic(), webhook_payload(note, external_url=EXTERNAL_URL))
                )


def _alert(labels: dict, starts: datetime, ends: datetime | None = None, **annotations) -> dict:
    alert = {"labels": labels, "startsAt": format_time(starts), "annotations": annotations}
    if ends is not None:
        alert["endsAt"] = format_time(ends)
    return alert


DB_CRIT = {"alertname": "DiskFull", "cluster": "c1", "severity": "critical", "team": "db"}
DB_WARN1 = {"alertname": "DiskFull", "cluster": "c1", "severity": "warning", "team": "db"}
DB_WARN2 = {"alertname": "DiskFull", "cluster": 'c2 "ü"', "severity": "warning", "team": "db"}
WEB = {"alertname": "HighLatency", "job": "api", "severity": "warning"}
OUTAGE1 = {"alertname": "Outage", "kind": "outage", "site": "s1"}
OUTAGE2 = {"alertname": "Outage", "kind": "outage"}  # no site: equal as ""
SYMPTOM1 = {"alertname": "Symptom", "kind": "symptom", "site": "s1"}
SYMPTOM2 = {"alertname": "Symptom", "kind": "symptom"}


def _first_batch(t0: datetime) -> list[dict]:
    labels = [
        DB_CRIT, DB_WARN1, DB_WARN2, OUTAGE1, OUTAGE2, SYMPTOM1, SYMPTOM2,
        {**WEB, "service": "web", "instance": "i1"},
        {**WEB, "service": "api", "instance": "i2"},
        {"alertname": "HighLatency", "service": "web", "severity": "info", "instance": "i9"},
        {"alertname": "Staging", "env": "staging"},
        {"alertname": "DevThing", "env": "dev-eu"},
        {"alertname": "Other", "severity": "info"},
        {"alertname": "Other", "severity": "info", "instance": "x"},
        {"alertname": "QueueFull", "team": "ops"},
        {"alertname": "QueueSlow", "team": "ops"},
    ]  # fmt: skip
    return [_alert(ls, t0, summary=f"{ls['alertname']} is up") for ls in labels]


def _second_batch(t0: datetime, now: datetime) -> list[dict]:
    return [
        _alert(DB_CRIT, t0, now, summary="DiskFull is up"),  # resolves: DB_WARN1 uninhibited
        _alert(DB_WARN2, t0, now, summary="DiskFull is up"),
        _alert(OUTAGE2, t0, now, summary="Outage is up"),  # SYMPTOM2 uninhibited
        _alert({**WEB, "service": "web", "instance": "i3"}, now, summary="HighLatency is up"),
        _alert({"alertname": "Ancient"}, now - timedelta(hours=1)),  # waited long: at once
        _alert({"alertname": "Other", "severity": "info"}, t0, summary="Other is up"),
    ]


def _by_group(items: list[tuple[float, dict]], start: float) -> dict[tuple, list]:
    groups: dict[tuple, list] = defaultdict(list)
    for at, body in sorted(items, key=lambda item: item[0]):
        groups[(body["receiver"], body["groupKey"])].append((at - start, body))
    return groups


@pytest.fixture
def pair(tmp_path):
    sink = WebhookSink()
    config_text = _config(sink.url)
    alertmanager = Alertmanager(config_text, tmp_path)
    twin = EngineTwin(config_text)
    yield alertmanager, twin, sink
    twin.stopped.set()
    alertmanager.stop()
    sink.close()


def test_it_sends_the_same_notifications_as_alertmanager(pair):
    alertmanager, twin, sink = pair
    t0 = datetime.now(UTC)
    start = time.monotonic()
    first = _first_batch(t0)
    alertmanager.post_alerts(first)
    twin.post_alerts(first)
    time.sleep(1.5)
    _assert_same_inhibition(alertmanager, twin)
    time.sleep(max(0.0, 2.0 - (time.monotonic() - start)))
    second = _second_batch(t0, datetime.now(UTC))
    alertmanager.post_alerts(second)
    twin.post_alerts(second)
    time.sleep(max(0.0, 5.6 - (time.monotonic() - start)))

    expected = _by_group([(at, body) for at, _, body in sink.received], start)
    actual = _by_group(twin.sent, start)
    assert sorted(actual) == sorted(expected)
    for group, am_notes in expected.items():
        assert [body for _, body in actual[group]] == [body for _, body in am_notes], group
        for (ours, _), (theirs, _) in zip(actual[group], am_notes, strict=True):
            assert abs(ours - theirs) < 0.5, (group, ours, theirs)
    # The scenario really exercised every path (and the muted / inactive routes stayed quiet).
    receivers = {body["receiver"] for _, _, body in sink.received}
    assert receivers == {"default", "db", "db-pager", "db-audit", "web\\.api", "ops"}


def _assert_same_inhibition(alertmanager: Alertmanager, twin: EngineTwin) -> None:
    now = datetime.now(UTC)
    for alert in alertmanager.get_alerts():
        with twin.lock:
            ours = twin.dispatcher.inhibited_by(alert["labels"], now)
        assert (ours is not None) == bool(alert["status"]["inhibitedBy"]), alert["labels"]
