"""Notification policies benchmark: 10,000 active alerts through a 50-route tree with
inhibition, through Hydra's Django-side dispatch cycle on PostgreSQL.

Usage (from the repository root; PostgreSQL at 127.0.0.1:5432)::

    .venv/bin/python bench/notify.py [--alerts 10000] [--minutes 10]
        [--database-url postgres://postgres:postgres@127.0.0.1:5432/hydra_bench_notify]

Method, in one invocation:

1. recreates the bench database, migrates it, and imports the 50-route alertmanager.yml of
   ``bench/_routing_scenario.py`` (``continue``, regexes, ``...``, a mute and an active
   interval, two inhibition rules) with ``config_import`` (what
   ``import_alertmanager_config`` does);
2. stores ``--alerts`` firing Hydra alerts (``Alert`` rows: one series each, 50 rules,
   the scenario's labels), as the evaluation leaves them, plus spare ones for the churn;
3. simulated clock (a Monday 12:00 UTC): every 15 s the evaluation's dispatch
   (``dispatch_cycle(feed_hydra=True)``: reads the firing and recently resolved alerts,
   ingests them, flushes due groups, stores decisions, notifications and the engine state)
   and, in between, the 5 s beat's flush-only cycles. From the fourth evaluation on, 0.5%
   of the alerts resolve and 0.5% new ones (new instances) fire per evaluation. Each cycle is timed (wall and
   process CPU: one core). One cycle after a simulated restart (state restored from the
   database) and the cycle that notifies thousands of new groups at once are reported
   separately. Target: every evaluation and flush-only cycle ≤ 1 s CPU;
4. checks: every (group, integration) is notified at most once per ``group_interval``
   (60 s), and the notifications are exactly those of the pure engine fed the same alerts
   at the same times (same receivers, group keys and alert sets).

Sending is not part of the cycle (it is a task per notification, after commit): the
bench records the queued notification ids instead of sending.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # before bench/, whose alerts.py would shadow the package
sys.path.insert(1, str(ROOT / "bench"))

from _routing_scenario import alert_labels, config, route_count  # noqa: E402

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # Monday noon: staging unmuted, dev active
EVAL_S, BEAT_S, INTERVAL_S, TARGET_S = 15, 5, 60, 1.0


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--alerts", type=int, default=10_000)
    p.add_argument("--minutes", type=int, default=10)
    p.add_argument(
        "--database-url",
        default="postgres://postgres:postgres@127.0.0.1:5432/hydra_bench_notify",
    )
    return p.parse_args()


def setup(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    os.environ["HYDRA_LOG_LEVEL"] = "WARNING"
    os.environ["HYDRA_EMBEDDED_SCHEDULER"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hydra.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def store_alerts(labels: list[dict[str, str]], spare: int) -> list:
    """The alerts firing since T0, and ``spare`` more (new instances) resolved long ago."""
    from alerts.models import Alert, AlertRule
    from alerts.routing.labels import fingerprint, fingerprint_hex
    from metrics.models import Series, series_key

    names = sorted({lab["alertname"] for lab in labels})
    rules = {n: AlertRule.objects.create(name=n, metric="bench.metric", threshold=1) for n in names}
    series = Series.objects.bulk_create(
        [Series(name="bench.metric", host=f"h{i}", key=series_key("bench.metric", f"h{i}", {}))
         for i in range(len(labels))], batch_size=2000,
    )  # fmt: skip
    states = ["firing"] * (len(labels) - spare) + ["resolved"] * spare
    since = {"firing": T0, "resolved": T0 - timedelta(days=1)}
    rows = [
        Alert(
            rule=rules[lab["alertname"]],
            series=s,
            state=st,
            since=since[st],
            labels=lab,
            fingerprint=fingerprint_hex(fingerprint(lab)),
            annotations={"summary": "bench"},
        )  # fmt: skip
        for lab, s, st in zip(labels, series, states, strict=True)
    ]
    return Alert.objects.bulk_create(rows, batch_size=2000)


def churn(alerts: list, rng: random.Random, now: datetime, count: int) -> None:
    """0.5% resolve, 0.5% new ones (never fired before: new instances) start firing."""
    from alerts.models import Alert

    firing = [a for a in alerts if a.state == "firing"]
    fresh = [a for a in alerts if a.state == "resolved" and a.since < T0]
    to_resolve = rng.sample(firing, max(1, count // 200))
    to_fire = rng.sample(fresh, min(len(fresh), count // 200))
    for a in to_resolve:
        a.state, a.since = "resolved", now
    for a in to_fire:
        a.state, a.since = "firing", now
    Alert.objects.bulk_update(to_resolve + to_fire, ["state", "since"], batch_size=2000)


def engine_twin(cfg: dict):
    from alerts.routing import Dispatcher, load_config

    return Dispatcher(load_config(cfg))


def main() -> None:
    args = parse()
    setup(args.database_url)
    from alerts.models import Notification
    from alerts.services import dispatch
    from alerts.services.routing_config import config_import

    cfg = config()
    config_import(cfg)
    spare = args.alerts // 200 * (args.minutes * 4 + 1)
    labels = alert_labels(args.alerts + spare)
    labels = labels[-3:] + labels[:-3]  # the three ClusterDown sources fire from the start
    alerts = store_alerts(labels, spare)
    dispatch.enqueue = lambda *a, **k: None  # sending is another task: not timed here
    twin = engine_twin(cfg)
    rng = random.Random(11)
    timings: dict[str, list[tuple[float, float]]] = defaultdict(list)
    twin_notes: list[tuple] = []
    steps = args.minutes * 60 // BEAT_S
    restart_at = steps // 2
    for step in range(steps + 1):
        now = T0 + timedelta(seconds=step * BEAT_S)
        feed = step % (EVAL_S // BEAT_S) == 0
        if feed and step >= 3 * (EVAL_S // BEAT_S):
            churn(alerts, rng, now, args.alerts)
        if step == restart_at:
            dispatch._memory.clear()
        kind = "restart" if step == restart_at else ("evaluation" if feed else "flush-only")
        wall, cpu = time.perf_counter(), time.process_time()
        cycle = dispatch.dispatch_cycle(now=now, feed_hydra=feed)
        if cycle.notifications > args.alerts // 10:
            kind = f"mass flush ({cycle.notifications} notifications)"
        timings[kind].append((time.perf_counter() - wall, time.process_time() - cpu))
        if feed:
            twin.ingest(dispatch.hydra_alerts(now), now)
        twin_notes += [(n.receiver, n.group_key, frozenset(a.fingerprint_hex for a in n.alerts), now)
                       for n in twin.flush(now)]  # fmt: skip
    report(args, timings, twin_notes, Notification, route_count(cfg["route"]))


def report(args, timings, twin_notes, notification_model, routes: int) -> None:
    ok = True
    print(f"{args.alerts} alerts, {routes} routes under the root, 2 inhibition rules, "
          f"{args.minutes} simulated minutes (one core)")  # fmt: skip
    for kind, values in timings.items():
        walls, cpus = [w for w, _ in values], [c for _, c in values]
        print(f"  {kind}: {len(values)} cycle(s), CPU median {statistics.median(cpus):.3f} s, "
              f"max {max(cpus):.3f} s; wall median {statistics.median(walls):.3f} s, "
              f"max {max(walls):.3f} s")  # fmt: skip
        if kind in ("evaluation", "flush-only"):
            ok &= max(cpus) <= TARGET_S
    notes = list(notification_model.objects.order_by("next_attempt_at", "id"))
    got = sorted(
        (n.receiver, n.group_key, frozenset(a["fingerprint"] for a in n.payload["alerts"]),
         n.next_attempt_at) for n in notes
    )  # fmt: skip
    same = got == sorted(twin_notes, key=lambda t: (t[0], t[1], sorted(t[2]), t[3]))
    same = same or sorted(map(repr, got)) == sorted(map(repr, twin_notes))
    last: dict[tuple, tuple[datetime, str]] = {}
    too_soon = 0
    for n in notes:
        key = (n.receiver, n.group_key, n.integration)
        previous = last.get(key)
        # after an all-resolved notification the group empties and is dropped; a new alert
        # then starts a new group with its own group_wait (as in Alertmanager)
        if (
            previous
            and previous[1] == "firing"
            and (n.next_attempt_at - previous[0] < timedelta(seconds=INTERVAL_S))
        ):
            too_soon += 1
        last[key] = (n.next_attempt_at, n.payload["status"])
    groups = len({(n.receiver, n.group_key) for n in notes})
    print(f"  notifications: {len(notes)} to {groups} groups; at most one per group and "
          f"{INTERVAL_S} s: {'yes' if not too_soon else f'NO ({too_soon} too soon)'}; "
          f"equal to the pure engine's: {'yes' if same else 'NO'}")  # fmt: skip
    ok &= not too_soon and same
    print(
        f"  target: every steady cycle ≤ {TARGET_S} s CPU (one core), once per group and "
        f"interval, same as the engine: {'PASS' if ok else 'FAIL'}"
    )
    print(
        "  (CPU is this process's; PostgreSQL's own work is in its server process. Wall "
        "times include waiting for a shared machine.)"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
