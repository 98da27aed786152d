"""Grouping and timing: group_wait, group_interval, repeat_interval and resolution, on a
fake clock (no sleeping)."""

from __future__ import annotations

from alerts.routing import Dispatcher
from alerts.tests.routing_helpers import alert_names, at, config, firing, resolved, run

CPU = {"alertname": "HighCPU"}


def _cpu(instance: str, starts: float = 0):
    return firing({**CPU, "instance": instance}, starts)


def test_the_first_notification_waits_group_wait_and_gathers_the_alerts_meanwhile():
    dispatcher = Dispatcher(config())
    dispatcher.ingest([_cpu("a")], at(0))
    dispatcher.ingest([_cpu("b", 10)], at(10))
    assert dispatcher.next_flush_at() == at(30)
    assert dispatcher.flush(at(29)) == []
    [note] = dispatcher.flush(at(30))
    assert alert_names(note) == ["a:f", "b:f"]
    assert note.group_labels == CPU and note.receiver == "default"


def test_an_alert_joining_later_waits_for_the_next_group_interval():
    dispatcher = Dispatcher(config())
    dispatcher.ingest([_cpu("a")], at(0))
    sent = run(dispatcher, until=59)
    dispatcher.ingest([_cpu("b", 60)], at(60))
    sent += run(dispatcher, until=700, start=60)
    assert [(t, alert_names(n)) for t, n in sent] == [(30, ["a:f"]), (330, ["a:f", "b:f"])]


def test_an_unchanged_group_is_repeated_after_repeat_interval_on_a_group_interval_tick():
    dispatcher = Dispatcher(config(timers="group_wait: 30s\n  repeat_interval: 1h"))
    dispatcher.ingest([_cpu("a")], at(0))
    refresh = [(t, [_cpu("a")]) for t in range(0, 4000, 60)]  # the source re-sends
    sent = []
    for t in range(0, 4000, 10):
        for _ in [x for when, x in refresh if when == t]:
            dispatcher.ingest([_cpu("a")], at(t))
        sent += [t for _ in dispatcher.flush(at(t))]
    # First at 30, then ticks every 300 s. At 3630 exactly 1 h has passed, which is not
    # "more than" the repeat interval (Alertmanager compares strictly), so 3930.
    assert sent == [30, 3930]


def test_a_resolved_alert_is_sent_once_then_dropped_and_the_group_goes_away():
    dispatcher = Dispatcher(config())
    dispatcher.ingest([_cpu("a"), _cpu("b")], at(0))
    run(dispatcher, until=30)
    dispatcher.ingest([resolved({**CPU, "instance": "a"}, 0, 100)], at(100))
    sent = run(dispatcher, until=1000, start=31)
    assert [(t, alert_names(n)) for t, n in sent] == [(330, ["a:r", "b:f"])]
    assert note_status(sent[0][1]) == "firing"
    dispatcher.ingest([resolved({**CPU, "instance": "b"}, 0, 1000)], at(1000))
    sent = run(dispatcher, until=2000, start=1001)
    assert [(t, alert_names(n), n.status) for t, n in sent] == [(1230, ["b:r"], "resolved")]
    assert dispatcher.group_count() == 0  # dropped by the 30 s clean-up


def note_status(note) -> str:
    return note.status


def test_an_alert_that_started_long_ago_skips_group_wait():
    dispatcher = Dispatcher(config())
    dispatcher.ingest([_cpu("a", starts=-3600)], at(0))
    assert dispatcher.next_flush_at() == at(0)
    assert len(dispatcher.flush(at(0))) == 1


def test_alerts_started_long_ago_do_not_hurry_a_group_that_already_flushed():
    dispatcher = Dispatcher(config())
    dispatcher.ingest([_cpu("a")], at(0))
    run(dispatcher, until=30)
    dispatcher.ingest([_cpu("old", starts=-3600)], at(40))
    assert dispatcher.flush(at(40)) == []
    assert dispatcher.next_flush_at() == at(330)


def test_group_by_picks_the_labels_and_absent_labels_stay_absent():
    cfg = config(timers="group_wait: 30s\n  group_by: [alertname, cluster]")
    dispatcher = Dispatcher(cfg)
    dispatcher.ingest(
        [firing({**CPU, "cluster": "c1", "i": "1"}), firing({**CPU, "i": "2"})], at(0)
    )
    notes = dispatcher.flush(at(30))
    assert sorted(n.group_key for n in notes) == [
        '{}:{alertname="HighCPU", cluster="c1"}',
        '{}:{alertname="HighCPU"}',
    ]


def test_group_by_dots_makes_one_group_per_alert():
    dispatcher = Dispatcher(config(timers="group_wait: 30s\n  group_by: ['...']"))
    dispatcher.ingest([_cpu("a"), _cpu("b")], at(0))
    notes = dispatcher.flush(at(30))
    assert sorted(n.group_labels["instance"] for n in notes) == ["a", "b"]


def test_no_group_by_puts_every_alert_of_the_route_in_one_group():
    dispatcher = Dispatcher(
        config(
            timers="group_wait: 30s\n  group_by: []\n  routes: [{receiver: default, group_by: []}]"
        )
    )
    dispatcher.ingest([_cpu("a"), firing({"alertname": "Disk"})], at(0))
    [note] = dispatcher.flush(at(30))
    assert len(note.alerts) == 2 and note.group_labels == {}


def test_each_group_notifies_exactly_once_per_interval_however_often_flush_is_called():
    dispatcher = Dispatcher(config(timers="group_wait: 30s\n  group_by: ['...']"))
    alerts = [_cpu(f"i{n}") for n in range(50)]
    sent = []
    for t10 in range(0, 10_000, 1):  # every 0.1 s for 1000 s
        if t10 % 600 == 0:
            dispatcher.ingest(alerts + [_cpu(f"new{t10}", t10 / 10)], at(t10 / 10))
        sent += dispatcher.flush(at(t10 / 10))
    per_group: dict[str, int] = {}
    for note in sent:
        per_group[note.group_key] = per_group.get(note.group_key, 0) + 1
    assert len(per_group) == 50 + 17 and set(per_group.values()) == {1}


def test_the_store_merges_a_resend_that_overlaps_and_keeps_the_first_start():
    dispatcher = Dispatcher(config())
    dispatcher.ingest([firing({**CPU, "instance": "a"}, starts=0)], at(0))
    dispatcher.ingest([firing({**CPU, "instance": "a"}, starts=20)], at(20))
    [note] = dispatcher.flush(at(30))
    assert note.alerts[0].starts_at == at(0)
