"""``POST /api/v2/alerts`` bodies as Alertmanager stores them, and how re-sent alerts merge."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alerts.routing import Alert, alert_from_api, alerts_from_api
from alerts.routing.alert import AlertError
from alerts.tests.routing_helpers import at

NOW = at(0)


def test_a_missing_start_is_now_and_a_missing_end_is_now_plus_the_resolve_timeout():
    alert = alert_from_api(
        {"labels": {"alertname": "X"}}, now=NOW, resolve_timeout=timedelta(minutes=2)
    )
    assert alert.starts_at == NOW
    assert alert.ends_at == NOW + timedelta(minutes=2)
    assert alert.timeout and alert.updated_at == NOW


def test_a_missing_start_with_an_end_starts_at_the_end():
    alert = alert_from_api({"labels": {"a": "b"}, "endsAt": "2026-03-02T11:00:00Z"}, now=NOW)
    assert alert.starts_at == alert.ends_at and not alert.timeout
    assert alert.resolved_at(NOW)


def test_it_reads_nanosecond_times_and_the_go_zero_time():
    alert = alert_from_api(
        {
            "labels": {"a": "b"},
            "startsAt": "2026-03-02T11:59:00.123456789Z",
            "endsAt": "0001-01-01T00:00:00Z",
        },
        now=NOW,
    )
    assert alert.starts_at.microsecond == 123456
    assert alert.timeout


def test_empty_label_values_are_dropped_as_alertmanager_does():
    alert = alert_from_api({"labels": {"alertname": "X", "empty": ""}}, now=NOW)
    assert alert.labels == {"alertname": "X"}


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"labels": {}}, "at least one label"),
        ({"labels": {"": "x"}, "annotations": {}}, "not a valid label name"),
        ({"labels": {"a-b": "x"}}, "not a valid label name"),
        ({"labels": {"a": 1}}, "must be a string"),
        ({"labels": {"a": "b"}, "startsAt": "yesterday"}, "RFC 3339"),
        ({"labels": {"a": "b"}, "startsAt": "2026-03-02T12:00:00"}, "time zone"),
        (
            {
                "labels": {"a": "b"},
                "startsAt": "2026-03-02T12:00:00Z",
                "endsAt": "2026-03-02T11:00:00Z",
            },
            "start time must be before end time",
        ),
        ("not an object", "must be an object"),
    ],
)
def test_it_rejects_invalid_alerts(item, message):
    with pytest.raises(AlertError, match=message):
        alert_from_api(item, now=NOW)


def test_a_batch_keeps_the_valid_alerts_and_reports_the_others():
    alerts, errors = alerts_from_api([{"labels": {"a": "b"}}, {"labels": {}}], now=NOW)
    assert len(alerts) == 1
    assert errors == ["alert 1: at least one label pair required"]
    assert alerts_from_api({"labels": {}}, now=NOW) == (
        [],
        ["the body must be a JSON list of alerts"],
    )


def _alert(starts: float, ends: float | None, updated: float, timeout: bool = False) -> Alert:
    return Alert(
        labels={"a": "b"}, starts_at=at(starts), ends_at=None if ends is None else at(ends),
        updated_at=at(updated), timeout=timeout,
    )  # fmt: skip


def test_merge_keeps_the_earliest_start_and_the_newer_end():
    merged = _alert(0, 300, 0, timeout=True).merge(_alert(10, 200, 10), now=at(20))
    assert (merged.starts_at, merged.ends_at) == (at(0), at(200))


def test_merge_lets_a_later_explicit_end_win_over_a_timeout():
    merged = _alert(0, 600, 0).merge(_alert(0, 300, 10, timeout=True), now=at(20))
    assert merged.ends_at == at(600)
    merged = _alert(0, 600, 0, timeout=True).merge(_alert(0, 300, 10, timeout=True), now=at(20))
    assert merged.ends_at == at(300)


def test_merge_of_two_resolved_alerts_keeps_the_latest_end():
    merged = _alert(0, 50, 0).merge(_alert(0, 40, 60), now=at(100))
    assert merged.ends_at == at(50)
