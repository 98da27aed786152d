"""The webhook body (Alertmanager's version 4) built from the engine's notifications."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from alerts.routing import Alert, Dispatcher, format_time, webhook_payload
from alerts.routing.webhook import quote_meta
from alerts.tests.routing_helpers import at, config, firing, resolved

KEYS = {
    "receiver", "status", "alerts", "groupLabels", "commonLabels", "commonAnnotations",
    "externalURL", "version", "groupKey", "truncatedAlerts",
}  # fmt: skip
ALERT_KEYS = {
    "status",
    "labels",
    "annotations",
    "startsAt",
    "endsAt",
    "generatorURL",
    "fingerprint",
}


def _payload(alerts, receivers="", route="", **kwargs):
    dispatcher = Dispatcher(config(route, receivers, timers="group_wait: 30s\n  group_by: [job]"))
    dispatcher.ingest(alerts, at(0))
    [note] = dispatcher.flush(at(30))
    return webhook_payload(note, external_url="http://hydra.example", **kwargs)


def test_it_has_exactly_alertmanagers_keys():
    body = _payload([firing({"alertname": "X", "job": "api"}, annotations={"summary": "s"})])
    assert set(body) == KEYS
    assert set(body["alerts"][0]) == ALERT_KEYS
    assert body["version"] == "4" and body["truncatedAlerts"] == 0
    assert body["externalURL"] == "http://hydra.example"
    assert body["groupKey"] == '{}:{job="api"}'
    assert body["groupLabels"] == {"job": "api"}


def test_firing_alerts_have_the_zero_end_time_and_resolved_ones_their_end():
    dispatcher = Dispatcher(config())
    dispatcher.ingest(
        [firing({"alertname": "X", "i": "1"}), firing({"alertname": "X", "i": "2"})], at(0)
    )
    dispatcher.flush(at(30))
    dispatcher.ingest([resolved({"alertname": "X", "i": "1"}, 0, 100)], at(100))
    [note] = dispatcher.flush(at(330))
    body = webhook_payload(note)
    assert [(a["status"], a["endsAt"]) for a in body["alerts"]] == [
        ("resolved", "2026-03-02T12:01:40Z"),
        ("firing", "0001-01-01T00:00:00Z"),
    ]
    assert body["status"] == "firing"


def test_common_labels_and_annotations_are_those_all_alerts_share():
    body = _payload(
        [
            firing({"alertname": "X", "job": "api", "i": "1"}, annotations={"team": "t", "v": "1"}),
            firing({"alertname": "X", "job": "api", "i": "2"}, annotations={"team": "t", "v": "2"}),
        ]
    )
    assert body["commonLabels"] == {"alertname": "X", "job": "api"}
    assert body["commonAnnotations"] == {"team": "t"}


def test_the_fingerprint_is_alertmanagers():
    labels = {
        "alertname": "HighCPU",
        "instance": "web-1:9100",
        "job": "node",
        "severity": "critical",
    }
    assert _payload([firing(labels)])["alerts"][0]["fingerprint"] == "ab906f89a7cb9bdc"


def test_max_alerts_truncates_and_counts_the_rest():
    receivers = "  - name: capped\n    webhook_configs: [{url: 'http://h/', max_alerts: 2}]\n"
    route = "  routes: [{matchers: ['job=\"api\"'], receiver: capped}]"
    alerts = [firing({"alertname": "X", "job": "api", "i": str(i)}) for i in range(5)]
    body = _payload(alerts, receivers, route)
    assert len(body["alerts"]) == 2 and body["truncatedAlerts"] == 3
    assert body["receiver"] == "capped"


def test_the_receiver_name_is_regex_quoted_like_alertmanager_does():
    assert quote_meta("def-ault.x") == "def-ault\\.x"
    assert quote_meta("team (a|b)") == "team \\(a\\|b\\)"


def test_times_print_like_go_rfc3339nano():
    assert format_time(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2026-01-02T03:04:05Z"
    assert (
        format_time(datetime(2026, 1, 2, 3, 4, 5, 120000, tzinfo=UTC)) == "2026-01-02T03:04:05.12Z"
    )
    plus_two = timezone(timedelta(hours=2))
    assert (
        format_time(datetime(2026, 1, 2, 3, 4, 5, tzinfo=plus_two)) == "2026-01-02T03:04:05+02:00"
    )
    assert format_time(None) == "0001-01-01T00:00:00Z"


def test_alerts_are_listed_in_alertmanagers_order():
    alerts = [
        Alert(labels={"alertname": "X", "job": "api", "instance": i}, starts_at=at(0))
        for i in ("c", "a", "b")
    ]
    body = _payload(alerts)
    assert [a["labels"]["instance"] for a in body["alerts"]] == ["a", "b", "c"]
