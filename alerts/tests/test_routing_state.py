"""Saving and loading the dispatcher's state (for a periodic task instead of a process)."""

from __future__ import annotations

import json

import pytest

from alerts.routing import Dispatcher, dump, restore
from alerts.tests.routing_helpers import at, config, firing, resolved

RULES = """
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname]
"""
ROUTES = "  routes:\n    - matchers: ['team=\"db\"']\n      receiver: db\n      group_by: ['...']"
DB = "  - name: db\n    webhook_configs: [{url: http://hook.example/db}]\n"


def _events():
    """(second, alerts to ingest) over ~20 minutes: firing, inhibition, resolution."""
    crit = {"alertname": "Disk", "severity": "critical", "team": "db"}
    warn = {"alertname": "Disk", "severity": "warning", "instance": "w"}
    events = {0: [firing(crit), firing(warn), firing({"alertname": "Cpu", "instance": "a"})]}
    events[200] = [firing({"alertname": "Cpu", "instance": "b"}, starts=200)]
    events[400] = [resolved(crit, 0, 400)]
    events[700] = [resolved({"alertname": "Cpu", "instance": "a"}, 0, 700)]
    events[900] = [firing({"alertname": "Cpu", "instance": "c"}, starts=-3600)]
    return events


def _describe(notes) -> list:
    return [
        (n.receiver, n.group_key, [(a.fingerprint_hex, a.ends_at is None) for a in n.alerts])
        for n in notes
    ]


def _simulate(cfg, save_and_load: bool) -> list:
    dispatcher, sent, events = Dispatcher(cfg), [], _events()
    for t in range(0, 1200, 10):
        if save_and_load:
            state = json.loads(json.dumps(dump(dispatcher, at(t))))
            dispatcher = restore(cfg, state)
        dispatcher.ingest(events.get(t, []), at(t))
        sent.append((t, _describe(dispatcher.flush(at(t)))))
    return [(t, notes) for t, notes in sent if notes]


def test_a_dispatcher_saved_and_loaded_every_cycle_notifies_exactly_like_one_that_is_not():
    cfg = config(ROUTES, DB, RULES)
    uninterrupted = _simulate(cfg, save_and_load=False)
    assert len(uninterrupted) >= 4  # the scenario notifies at four different times
    assert _simulate(cfg, save_and_load=True) == uninterrupted


def test_the_state_keeps_group_timers_and_the_notification_log():
    dispatcher = Dispatcher(config())
    dispatcher.ingest([firing({"alertname": "X"})], at(0))
    dispatcher.flush(at(30))
    restored = restore(config(), json.loads(json.dumps(dump(dispatcher, at(40)))))
    assert restored.next_flush_at() == at(330)
    assert restored.nflog.entries == dispatcher.nflog.entries
    assert restored.alerts == dispatcher.alerts


def test_after_a_route_change_the_alerts_are_regrouped_and_the_log_kept():
    dispatcher = Dispatcher(config())
    dispatcher.ingest([firing({"alertname": "X", "team": "db"})], at(0))
    dispatcher.flush(at(30))
    restored = restore(config(ROUTES, DB), dump(dispatcher, at(40)))
    [note] = restored.flush(at(40))  # regrouped under the db route, sent at once
    assert note.receiver == "db"
    assert ('{}:{alertname="X"}', "default", "webhook", 0) in restored.nflog.entries


def test_an_unknown_state_version_is_refused():
    with pytest.raises(ValueError, match="unknown dispatcher state version"):
        restore(config(), {"version": 99})
