"""Celery tasks of the alerts app: thin wrappers over the services."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from alerts.services import detection, dispatch, evaluation, notify


@shared_task(name="alerts.tasks.evaluate_rules", ignore_result=True)
def evaluate_rules() -> int:
    """Evaluate the due alert rules (every 15 s); returns the number of transitions."""
    return evaluation.rules_evaluate().transitions


@shared_task(name="alerts.tasks.notifications_sweep", ignore_result=True)
def notifications_sweep() -> int:
    """Queue notifications whose group wait or retry backoff has elapsed (every 10 s)."""
    return notify.notifications_sweep()


@shared_task(name="alerts.tasks.notification_send", ignore_result=True)
def notification_send(notification_id: int) -> bool | None:
    """Deliver one notification; failures are rescheduled by the service (swept later)."""
    return notify.notification_send(notification_id=notification_id)


@shared_task(name="alerts.tasks.dispatch_notifications", ignore_result=True)
def dispatch_notifications(feed_hydra: bool = False, at: str | None = None) -> int:
    """Route, group and flush alerts through the notification policies (every 5 s, and
    with Hydra's alerts after each evaluation, ``at`` its time); returns the
    notifications queued."""
    now = datetime.fromisoformat(at) if at else None
    return dispatch.dispatch_cycle(feed_hydra=feed_hydra, now=now).notifications


@shared_task(name="alerts.tasks.detect_anomalies", ignore_result=True)
def detect_anomalies() -> int:
    """Score the watched series' new points (every 60 s, ``detection`` queue)."""
    return detection.detection_run().anomalies
