"""Every queue a task is routed to is consumed by a worker in Procfile and docker-compose."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from hydra.celery import app

ROOT = Path(__file__).resolve().parents[2]


def _consumed(text: str) -> set[str]:
    queues: set[str] = set()
    for match in re.finditer(r'-Q"?,? ?"?([a-z,]+)', text):
        queues.update(match[1].split(","))
    return queues


@pytest.mark.parametrize("path", ["Procfile", "docker-compose.yml"])
def test_every_routed_queue_has_a_worker(path):
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    routed.add(settings.CELERY_TASK_DEFAULT_QUEUE)
    assert routed <= _consumed((ROOT / path).read_text())


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("alerts.tasks.notification_send", "notifications"),
        ("alerts.tasks.evaluate_rules", "default"),
        ("alerts.tasks.detect_anomalies", "detection"),
        ("scenarios.tasks.run_scenario", "scenarios"),
        ("scenarios.tasks.run_training", "scenarios"),
        ("scenarios.tasks.reap_stale_runs", "default"),
    ],
)
def test_tasks_are_routed_to_their_queue(task, queue):
    route = app.amqp.router.route({}, task)
    assert route["queue"].name == queue


def test_a_full_run_without_the_demo_starts_every_process_but_the_demos():
    """``HYDRA_DEMO=0 make run`` with Redis names its processes; only the demo feeders
    (the simulator and the demo target) may be left out."""
    makefile = (ROOT / "Makefile").read_text()
    listed = re.search(r"\$\(if \$\(REDIS_URL\),([a-z ]+),web\)", makefile)
    assert listed is not None
    procfile = {line.split(":")[0] for line in (ROOT / "Procfile").read_text().splitlines() if line}
    assert set(listed[1].split()) == procfile - {"simulate", "target"}
