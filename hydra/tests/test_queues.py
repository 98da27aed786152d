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
