"""Inhibition with Alertmanager's semantics, alone and inside the dispatcher."""

from __future__ import annotations

from alerts.routing import Dispatcher, InhibitRule
from alerts.routing.inhibit import Inhibitor
from alerts.routing.matchers import Matchers, parse_matchers
from alerts.tests.routing_helpers import alert_names, at, config, firing, resolved

NOW = at(60)


def _rule(source: str, target: str, equal: tuple[str, ...] = ()) -> InhibitRule:
    return InhibitRule(Matchers(parse_matchers(source)), Matchers(parse_matchers(target)), equal)


def _inhibitor(rule: InhibitRule, *alerts) -> Inhibitor:
    inhibitor = Inhibitor([rule])
    for alert in alerts:
        inhibitor.observe(alert)
    return inhibitor


CRIT = _rule('severity="critical"', 'severity="warning"', ("alertname", "cluster"))


def test_a_firing_source_inhibits_targets_with_equal_labels():
    source = firing({"alertname": "Disk", "cluster": "c1", "severity": "critical"})
    inhibitor = _inhibitor(CRIT, source)
    target = {"alertname": "Disk", "cluster": "c1", "severity": "warning"}
    assert inhibitor.inhibited_by(target, NOW) is source
    assert inhibitor.inhibited_by({**target, "cluster": "c2"}, NOW) is None
    assert inhibitor.inhibited_by({**target, "severity": "info"}, NOW) is None


def test_a_resolved_source_inhibits_nothing():
    source = resolved({"alertname": "Disk", "cluster": "c1", "severity": "critical"}, 0, 30)
    target = {"alertname": "Disk", "cluster": "c1", "severity": "warning"}
    assert _inhibitor(CRIT, source).inhibited_by(target, NOW) is None
    assert _inhibitor(CRIT, source).inhibited_by(target, at(29)) is not None  # before its end


def test_a_label_missing_on_both_sides_counts_as_equal():
    source = firing({"alertname": "Disk", "severity": "critical"})  # no cluster
    inhibitor = _inhibitor(CRIT, source)
    assert inhibitor.inhibited_by({"alertname": "Disk", "severity": "warning"}, NOW) is source
    assert inhibitor.inhibited_by({"alertname": "Disk", "cluster": "", "severity": "warning"}, NOW)


def test_without_equal_labels_any_source_inhibits_every_target():
    rule = _rule('alertname="ClusterDown"', 'severity=~".+"')
    inhibitor = _inhibitor(rule, firing({"alertname": "ClusterDown"}))
    assert inhibitor.inhibited_by({"alertname": "Anything", "severity": "page"}, NOW)


def test_an_alert_matching_both_sides_does_not_inhibit_itself():
    rule = _rule('kind="outage"', 'kind=~"outage|symptom"', ("site",))
    outage = firing({"alertname": "Outage", "kind": "outage", "site": "s1"})
    inhibitor = _inhibitor(rule, outage)
    assert inhibitor.inhibited_by(outage.labels, NOW) is None
    assert (
        inhibitor.inhibited_by({"alertname": "Slow", "kind": "symptom", "site": "s1"}, NOW)
        is outage
    )


def test_two_alerts_matching_both_sides_do_not_inhibit_each_other():
    rule = _rule('kind="outage"', 'kind=~"outage|symptom"', ("site",))
    first = firing({"alertname": "A", "kind": "outage", "site": "s1"})
    second = firing({"alertname": "B", "kind": "outage", "site": "s1"})
    inhibitor = _inhibitor(rule, first, second)
    assert inhibitor.inhibited_by(first.labels, NOW) is None
    assert inhibitor.inhibited_by(second.labels, NOW) is None


def test_forgotten_sources_inhibit_nothing():
    source = firing({"alertname": "Disk", "cluster": "c1", "severity": "critical"})
    inhibitor = _inhibitor(CRIT, source)
    inhibitor.forget(source)
    assert (
        inhibitor.inhibited_by({"alertname": "Disk", "cluster": "c1", "severity": "warning"}, NOW)
        is None
    )
    assert inhibitor.caches[0].by_equal == {}


RULES = """
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname]
"""


def test_inhibited_alerts_are_absent_from_notifications_and_recorded():
    dispatcher = Dispatcher(config(timers="group_wait: 30s\n  group_by: []", extra=RULES))
    crit = firing({"alertname": "Disk", "severity": "critical", "instance": "a"})
    warn = firing({"alertname": "Disk", "severity": "warning", "instance": "b"})
    other = firing({"alertname": "Cpu", "severity": "warning", "instance": "c"})
    dispatcher.ingest([crit, warn, other], at(0))
    [note] = dispatcher.flush(at(30))
    assert alert_names(note) == ["a:f", "c:f"]
    assert dispatcher.decisions[0].inhibited == {warn.fingerprint_hex: crit.fingerprint_hex}
    assert dispatcher.inhibited_by(warn.labels, at(30)) == crit.fingerprint_hex


def test_a_group_whose_alerts_are_all_inhibited_sends_nothing_until_the_source_resolves():
    dispatcher = Dispatcher(config(extra=RULES))
    dispatcher.ingest([firing({"alertname": "Disk", "severity": "critical"})], at(0))
    dispatcher.ingest([firing({"alertname": "Disk", "severity": "warning"})], at(0))
    cfg_groups = dispatcher.flush(at(30))
    assert [alert_names(n) for n in cfg_groups] == [["Disk:f"]]  # only the critical one
    dispatcher.ingest([resolved({"alertname": "Disk", "severity": "critical"}, 0, 100)], at(100))
    [note] = dispatcher.flush(at(330))
    assert {a.labels["severity"]: a.ends_at is None for a in note.alerts} == {
        "critical": False,
        "warning": True,
    }
