"""A Celery worker killed mid-evaluation (issue 12, faults): a real worker process on the
test database and a private Redis broker is SIGKILLed after it claimed the rules and
before it wrote their alerts; a new worker then evaluates and sends until settled. Every
alert ends in the state a clean run gives, and each one is notified exactly once (counted
at a local webhook receiver)."""

from __future__ import annotations

import itertools
import json
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery import Celery
from django.db import connections
from django.utils import timezone

from alerts.models import Alert, AlertEvent, AlertRule, Notification, NotificationChannel
from alerts.tests.conftest import US
from core.tests.faults import RedisServer, database_url
from core.tests.helpers import ROOT, clean_env, stop
from metrics.ingest import Batch
from metrics.services import points_ingest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]
RULES, HOSTS, QUIET = 150, 20, 4  # 3,000 breaching series: a cycle takes a second or more


@pytest.fixture(autouse=True)
def _full_mode_only():
    if not connections["default"].settings_dict["ENGINE"].endswith("postgresql"):
        pytest.skip("needs full mode: a Celery worker process on PostgreSQL (DATABASE_URL)")


class Receiver:
    """A local webhook endpoint that keeps every body it is sent."""

    def __init__(self) -> None:
        bodies: list[dict] = []
        self.bodies = bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers["Content-Length"])
                bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def firing_per_alert(self) -> Counter:
        return Counter(
            item["alert"] for body in self.bodies for item in body["alerts"]
            if item["kind"] == "firing"
        )  # fmt: skip


def breaching_data(channel: NotificationChannel) -> None:
    """RULES rules on their own metric, each over HOSTS hosts that breach and QUIET that don't."""
    now, batch = time.time(), Batch()
    for r in range(RULES):
        for h in range(HOSTS + QUIET):
            pos = batch.series_position((f"crash.m{r}", f"h{h}", ()))
            for age in (40, 20, 5):
                batch.add(pos, int((now - age) * US), 95.0 if h < HOSTS else 50.0)
    points_ingest(batch=batch)
    rules = AlertRule.objects.bulk_create(
        AlertRule(
            name=f"crash {r}", metric=f"crash.m{r}", condition="threshold", agg="avg",
            window_seconds=600, op=">", threshold=90.0,
        )
        for r in range(RULES)
    )  # fmt: skip
    for rule in rules:
        rule.channels.set([channel])


def start_worker(tmp_path, redis: RedisServer, name: str) -> subprocess.Popen:
    """The Procfile's worker (solo pool: the process that evaluates is the one killed)."""
    env = clean_env(
        DATABASE_URL=database_url(),
        REDIS_URL=redis.url,
        SECRET_KEY="worker-crash-test",
        HYDRA_DATA_DIR=str(tmp_path),
        HYDRA_EMBEDDED_SCHEDULER="false",
    )
    command = [sys.executable, "-m", "celery", "-A", "hydra", "worker", "-n", f"{name}@%h"]
    command += ["-Q", "default,notifications", "--pool", "solo", "-l", "info"]
    command += ["--without-mingle", "--without-gossip", "--without-heartbeat"]
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait(condition, timeout: float, what: str, step: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(step)


def beat(broker: Celery, sweep: bool) -> None:
    """What beat sends (every second here; the sweep that queues due sends less often)."""
    broker.send_task("alerts.tasks.evaluate_rules", queue="default")
    if sweep:
        broker.send_task("alerts.tasks.notifications_sweep", queue="default")
    time.sleep(1)


def claimed() -> bool:
    return AlertRule.objects.filter(last_evaluated_at__isnull=False).exists()


def settled(receiver: Receiver) -> bool:
    firing = Alert.objects.filter(state="firing").count()
    sent = Notification.objects.filter(status="sent").count()
    return firing == RULES * HOSTS and sent == RULES and len(receiver.firing_per_alert()) == firing


def test_a_worker_killed_mid_evaluation_loses_no_state_and_notifies_once(tmp_path):
    receiver, redis = Receiver(), RedisServer()
    channel = NotificationChannel.objects.create(
        name="crash hook", kind="webhook", target=receiver.url, group_wait_seconds=0
    )
    breaching_data(channel)
    broker = Celery("crash-test", broker=redis.url, set_as_current=False)  # hydra's stays current
    workers: list[subprocess.Popen] = []
    try:
        workers.append(start_worker(tmp_path, redis, "first"))
        broker.send_task("alerts.tasks.evaluate_rules", queue="default")
        wait(claimed, 60, "the first worker to claim the rules")
        time.sleep(0.3)  # well into the cycle: observing and stepping 3,000 series
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(timeout=10)
        assert Alert.objects.count() == 0, "the kill came after the cycle's write"
        assert not receiver.bodies

        workers.append(start_worker(tmp_path, redis, "second"))
        deadline = time.monotonic() + 45
        for n in itertools.count():  # beat's role: evaluate and sweep, again and again
            if settled(receiver):
                break
            assert time.monotonic() < deadline, "not settled after the restart"
            beat(broker, sweep=n % 5 == 4)
        settled_at = timezone.now()
        AlertRule.objects.update(next_eval_at=None)  # due again: one more cycle changes nothing
        while AlertRule.objects.filter(last_evaluated_at__gt=settled_at).count() < RULES:
            assert time.monotonic() < deadline, "no cycle after settling"
            beat(broker, sweep=True)
        beat(broker, sweep=True)
    finally:
        for worker in workers:
            stop(worker)
        broker.close()
        redis.kill()
        receiver.server.shutdown()
    assert AlertRule.objects.exclude(last_status="ok").count() == 0
    assert Alert.objects.filter(state="firing").count() == RULES * HOSTS == Alert.objects.count()
    events = AlertEvent.objects.filter(to_state="firing", notified=True)
    assert events.count() == RULES * HOSTS == AlertEvent.objects.count()
    per_alert = receiver.firing_per_alert()
    assert set(per_alert) == set(Alert.objects.values_list("pk", flat=True))
    assert set(per_alert.values()) == {1}, "an alert was notified more than once"
    assert Notification.objects.count() == RULES == len(receiver.bodies)
