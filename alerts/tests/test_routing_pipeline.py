"""What a due group goes through before it notifies: time intervals, silences, per
integration dedup and send_resolved; the recorded decisions; state kept across restarts."""

from __future__ import annotations

from alerts.routing import Dispatcher, NotificationLog
from alerts.tests.routing_helpers import alert_names, at, config, firing, resolved, run

LUNCH = """
time_intervals:
  - name: lunch
    time_intervals: [{times: [{start_time: '12:00', end_time: '13:00'}]}]
  - name: mornings
    time_intervals: [{times: [{start_time: '06:00', end_time: '12:00'}]}]
"""
TEAM = {"alertname": "Down", "team": "db"}


def _routed(route_extra: str, receivers: str = "", extra: str = LUNCH):
    route = f"  routes:\n    - matchers: ['team=\"db\"']\n      receiver: db\n{route_extra}"
    db = "  - name: db\n    webhook_configs: [{url: http://hook.example/db}]\n" + receivers
    return config(route, db, extra)


def test_a_route_inside_a_mute_interval_does_not_notify_until_it_ends():
    dispatcher = Dispatcher(_routed("      mute_time_intervals: [lunch]\n"))
    dispatcher.ingest([firing(TEAM)], at(0))  # 12:00, a Monday
    sent = run(dispatcher, until=3600, step=10)
    assert sent == []
    sent = run(dispatcher, until=4000, step=10, start=3610)
    assert [t for t, _ in sent] == [3630]  # the first group_interval tick after 13:00


def test_the_decision_says_which_interval_muted_the_route():
    dispatcher = Dispatcher(_routed("      mute_time_intervals: [lunch]\n"))
    dispatcher.ingest([firing(TEAM)], at(0))
    dispatcher.flush(at(30))
    [decision] = dispatcher.decisions
    assert (decision.outcome, decision.reason) == (
        "muted",
        "inside the route's mute time interval lunch",
    )


def test_a_route_outside_its_active_intervals_does_not_notify():
    dispatcher = Dispatcher(_routed("      active_time_intervals: [mornings]\n"))
    dispatcher.ingest([firing(TEAM)], at(0))
    assert dispatcher.flush(at(30)) == []
    assert dispatcher.decisions[0].outcome == "inactive"


def test_an_alert_resolved_during_a_mute_is_never_notified_like_in_alertmanager():
    dispatcher = Dispatcher(_routed("      mute_time_intervals: [lunch]\n"))
    dispatcher.ingest([firing(TEAM)], at(-3600))  # sent at 11:00:30, before lunch
    assert len(dispatcher.flush(at(-3570))) == 1
    dispatcher.ingest([resolved(TEAM, -3600, 600)], at(600))
    sent = run(dispatcher, until=7200, step=30, start=-3540)
    assert sent == []  # the resolved alert was dropped at a muted flush


def test_silenced_alerts_are_left_out_and_recorded():
    silencer = lambda labels, now: "silence-7" if labels.get("instance") == "b" else None  # noqa: E731
    dispatcher = Dispatcher(config(), silencer=silencer)
    dispatcher.ingest([firing({"alertname": "X", "instance": i}) for i in "ab"], at(0))
    [note] = dispatcher.flush(at(30))
    assert alert_names(note) == ["a:f"]
    assert list(dispatcher.decisions[0].silenced.values()) == ["silence-7"]


def test_each_integration_of_a_receiver_gets_its_own_notification_and_dedup():
    receivers = "    email_configs: [{to: db@example.com}]\n"
    dispatcher = Dispatcher(_routed("", receivers, extra=""))
    dispatcher.ingest([firing({**TEAM, "instance": "a"})], at(0))
    notes = dispatcher.flush(at(30))
    assert sorted((n.integration.kind, n.integration.index) for n in notes) == [
        ("email", 0),
        ("webhook", 0),
    ]
    dispatcher.ingest([resolved({**TEAM, "instance": "a"}, 0, 100)], at(100))
    notes = dispatcher.flush(at(330))
    # The webhook sends resolved alerts; e-mail does not (Alertmanager's defaults).
    assert [(n.integration.kind, alert_names(n)) for n in notes] == [("webhook", ["a:r"])]
    assert (
        dispatcher.decisions[0].integrations["email[0]"]
        == "only resolved alerts and send_resolved is off"
    )


def test_without_send_resolved_a_refiring_alert_is_notified_again():
    receivers = "  - name: mail\n    email_configs: [{to: x@example.com}]\n"
    cfg = config("  routes: [{matchers: ['team=\"db\"'], receiver: mail}]", receivers)
    dispatcher = Dispatcher(cfg)
    dispatcher.ingest([firing(TEAM)], at(0))
    assert len(dispatcher.flush(at(30))) == 1
    dispatcher.ingest([resolved(TEAM, 0, 100)], at(100))
    assert dispatcher.flush(at(330)) == []
    dispatcher.ingest([firing(TEAM, starts=400)], at(400))
    assert len(run(dispatcher, until=1000, start=331)) == 1


def test_a_receiver_without_integrations_discards_the_group():
    cfg = config(
        "  routes: [{matchers: ['team=\"db\"'], receiver: blackhole}]", "  - name: blackhole\n"
    )
    dispatcher = Dispatcher(cfg)
    dispatcher.ingest([firing(TEAM)], at(0))
    assert dispatcher.flush(at(30)) == []
    assert dispatcher.decisions[0].outcome == "discarded"


def test_an_unchanged_group_is_recorded_as_unchanged():
    dispatcher = Dispatcher(config())
    dispatcher.ingest([firing({"alertname": "X"})], at(0))
    dispatcher.flush(at(30))
    assert dispatcher.flush(at(330)) == []
    assert dispatcher.decisions[0].outcome == "unchanged"
    assert dispatcher.decisions[0].to_dict()["integrations"] == {
        "webhook[0]": "unchanged since the last notification"
    }


def test_a_restored_notification_log_prevents_a_repeat_after_a_restart():
    dispatcher = Dispatcher(config())
    dispatcher.ingest([firing({"alertname": "X"})], at(0))
    dispatcher.flush(at(30))
    state = dispatcher.nflog.to_state()
    restarted = Dispatcher(config(), nflog=NotificationLog.from_state(state))
    restarted.ingest([firing({"alertname": "X"})], at(60))
    assert restarted.flush(at(90)) == []
    assert Dispatcher(config()).nflog.to_state() == []


def test_reconfigure_reroutes_stored_alerts_and_keeps_the_log():
    dispatcher = Dispatcher(config())
    dispatcher.ingest([firing(TEAM)], at(0))
    assert [n.receiver for n in dispatcher.flush(at(30))] == ["default"]
    dispatcher.reconfigure(_routed("", extra=""), at(40))
    # Rerouted to db: a new group, at once because the alert waited long enough.
    assert [n.receiver for n in dispatcher.flush(at(40))] == ["db"]


def test_next_flush_at_ignores_empty_groups():
    dispatcher = Dispatcher(config())
    assert dispatcher.next_flush_at() is None
    dispatcher.ingest([resolved({"alertname": "X"}, -10, -5)], at(0))
    dispatcher.flush(at(30))
    assert dispatcher.next_flush_at() is None
