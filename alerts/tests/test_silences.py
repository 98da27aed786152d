"""Silences: one-off windows, recurring windows across a DST change, and their effect:
silenced alerts still change state and are recorded, but notify nobody."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alerts.models import Alert, AlertEvent, Silence
from alerts.services.evaluation import rules_evaluate
from alerts.tests.conftest import T0, ingest, make_rule

pytestmark = pytest.mark.django_db


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def nightly_paris() -> Silence:
    """01:00-02:00 Paris time every night; Paris leaves summer time on 2026-10-25."""
    return Silence(
        matchers=[],
        starts_at=utc(2026, 10, 20, 0, 0),
        ends_at=utc(2026, 11, 1),
        rrule="FREQ=DAILY;BYHOUR=1;BYMINUTE=0;BYSECOND=0",
        duration_minutes=60,
        timezone="Europe/Paris",
    )


def test_a_recurring_window_keeps_its_local_time_across_the_dst_change():
    s = nightly_paris()
    s.full_clean()
    # before the change Paris is UTC+2: 01:30 local = 23:30 UTC the day before
    assert s.active_at(utc(2026, 10, 23, 23, 30))
    assert not s.active_at(utc(2026, 10, 24, 0, 30))
    # after it Paris is UTC+1: 01:30 local = 00:30 UTC
    assert s.active_at(utc(2026, 10, 27, 0, 30))
    assert not s.active_at(utc(2026, 10, 26, 23, 30))


def test_a_recurring_window_stops_at_its_expiry_and_starts_at_its_start():
    s = nightly_paris()
    assert not s.active_at(utc(2026, 11, 2, 0, 30))
    assert not s.active_at(utc(2026, 10, 18, 23, 30))
    assert s.expired(utc(2026, 11, 1)) and not s.expired(utc(2026, 10, 31))


def test_a_one_off_window_covers_start_to_end():
    s = Silence(matchers=[], starts_at=utc(2026, 1, 1), ends_at=utc(2026, 1, 2))
    assert s.active_at(utc(2026, 1, 1, 12)) and not s.active_at(utc(2026, 1, 2))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"rrule": "FREQ=SOMETIMES"}, "rrule"),
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"ends_at": utc(2026, 10, 1)}, "ends_at"),
        ({"matchers": [{"label": "host", "op": "~=", "value": "x"}]}, "matchers"),
    ],
)
def test_it_explains_an_invalid_silence(fields, field):
    s = nightly_paris()
    for k, v in fields.items():
        setattr(s, k, v)
    with pytest.raises(Exception) as exc:
        s.full_clean()
    assert field in exc.value.message_dict


def test_a_silenced_alert_changes_state_and_is_recorded_but_notifies_nobody(
    webhook, hook_channel, django_capture_on_commit_callbacks
):
    t0 = T0.timestamp()
    ingest("cpu.usage", "web-1", [(t0 - 10, 95)])
    ingest("cpu.usage", "web-2", [(t0 - 10, 95)])
    Silence.objects.create(
        matchers=[{"label": "host", "op": "=", "value": "web-1"}],
        starts_at=T0 - timedelta(hours=1),
        ends_at=T0 + timedelta(hours=1),
    )
    make_rule(channels=[hook_channel])
    with django_capture_on_commit_callbacks(execute=True):
        rules_evaluate(now=T0)
    assert Alert.objects.filter(state="firing").count() == 2
    quiet = AlertEvent.objects.get(alert__series__host="web-1")
    assert quiet.silenced and not quiet.notified
    assert Alert.objects.get(series__host="web-1").silenced
    [body] = webhook.bodies()
    assert [a["host"] for a in body["alerts"]] == ["web-2"]
