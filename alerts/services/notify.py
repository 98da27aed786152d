"""Notifications: grouped per (channel, rule), created in the evaluation's transaction,
sent after commit by a task, retried with backoff by a periodic sweep (both modes)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from alerts.models import (
    Alert,
    AlertRule,
    Notification,
    NotificationAttempt,
    NotificationChannel,
    Receiver,
)
from alerts.notifiers import deliver
from alerts.notifiers.integrations import deliver_integration
from alerts.templating import render, template_context
from core.dispatch import enqueue

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
LEASE = timedelta(seconds=120)  # a sender that dies mid-send is retried after this


@dataclass
class Change:
    """An alert change to tell channels about (kind: firing, resolved, flapping, repeat)."""

    alert: Alert
    kind: str
    channels: list[NotificationChannel] | None = field(default=None)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at 1 h."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def notification_item(change: Change, now: datetime) -> dict:
    alert, rule = change.alert, change.alert.rule
    context = template_context(rule, alert.series, alert)
    return {
        "alert": alert.pk,
        "kind": change.kind,
        "state": alert.state,
        "rule": rule.name,
        "severity": rule.severity,
        "metric": alert.series.name,
        "host": alert.series.host,
        "labels": alert.series.labels,
        "value": alert.value,
        "at": now.isoformat(),
        "summary": alert.summary or render(rule.summary_template, context),
        "description": render(rule.description_template, context),
        "load_test": _load_test(alert),
    }


def _load_test(alert) -> dict | None:
    """The load test running when the alert fired ("during load test <run>"), if any."""
    run = alert.load_test
    if run is None:
        return None
    return {"run": run.pk, "name": run.name, "text": f"during load test #{run.pk} {run.name}"}


def notifications_mark(
    *, changes: list[Change], channels: list[NotificationChannel], now: datetime
) -> None:
    """Record on each alert when each channel was told (before the alerts are saved)."""
    for channel in channels:
        for c in changes:
            if c.channels is None or channel in c.channels:
                c.alert.last_notified[str(channel.pk)] = now.timestamp()


def notifications_queue(
    *, rule: AlertRule, changes: list[Change], channels: list[NotificationChannel], now: datetime
) -> list[int]:
    """Add the changes to each channel's open group (or open one); send after commit."""
    due: list[int] = []
    for channel in channels:
        items = [
            notification_item(c, now)
            for c in changes
            if c.channels is None or channel in c.channels
        ]
        if not items:
            continue
        note = _add_to_group(channel, rule, items, now)
        if note.next_attempt_at <= now:
            due.append(note.pk)
    if due:
        transaction.on_commit(lambda: _enqueue_sends(due))
    return due


def _add_to_group(channel, rule, items: list[dict], now: datetime) -> Notification:
    """Join a notification still in its group wait; the conditional update loses to a sender."""
    open_ = Notification.objects.filter(
        channel=channel, rule=rule, status=Notification.Status.PENDING, attempts=0,
        next_attempt_at__gt=now,
    ).first()  # fmt: skip
    if open_ is not None:
        joined = Notification.objects.filter(
            pk=open_.pk, attempts=0, next_attempt_at=open_.next_attempt_at
        ).update(items=open_.items + items)
        if joined:
            return open_
    wait = timedelta(seconds=channel.group_wait_seconds)
    return Notification.objects.create(
        channel=channel, rule=rule, items=items, next_attempt_at=now + wait
    )


def _enqueue_sends(ids: list[int]) -> None:
    for pk in ids:
        enqueue("alerts.tasks.notification_send", pk)


def notifications_due(*, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    due = Notification.objects.filter(status=Notification.Status.PENDING, next_attempt_at__lte=now)
    return list(due.order_by("next_attempt_at").values_list("id", flat=True)[:500])


def notifications_sweep(*, now: datetime | None = None) -> int:
    """Queue every due notification (first sends after group wait, and retries)."""
    ids = notifications_due(now=now)
    _enqueue_sends(ids)
    return len(ids)


def notification_send(*, notification_id: int, now: datetime | None = None) -> bool | None:
    """Claim, deliver, record the attempt. None when someone else holds it or it is done."""
    now = now or timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
    if not claimed:
        return None
    note = Notification.objects.select_related("channel").get(pk=notification_id)
    if note.channel is None:
        outcome = deliver_integration(*receiver_integration(note), note.payload or {})
    else:
        outcome = deliver(note.channel, note.items)
    NotificationAttempt.objects.create(
        notification=note,
        ok=outcome.ok,
        status_code=outcome.status_code,
        error=outcome.error,
        duration_ms=outcome.duration_ms,
    )
    _settle(note, outcome.ok, outcome.error, now)
    return outcome.ok


def receiver_integration(note: Notification) -> tuple[str, dict]:
    """The kind and current configuration of a policy notification's integration
    ("" when the receiver no longer has it: the attempt fails and says so)."""
    kind, _, index = note.integration.partition("[")
    receiver = Receiver.objects.filter(name=note.receiver).first()
    configs = (receiver.config if receiver else {}).get(f"{kind}_configs") or []
    i = int(index.rstrip("]") or 0)
    if i >= len(configs):
        return f"{note.integration} of receiver {note.receiver!r} (gone)", {}
    return kind, configs[i]


def _settle(note: Notification, ok: bool, error: str, now: datetime) -> None:
    if ok:
        note.status, note.sent_at, note.last_error = Notification.Status.SENT, now, ""
    elif note.attempts >= MAX_ATTEMPTS:
        note.status, note.last_error = Notification.Status.FAILED, error
        logger.warning(
            "notification %s failed after %s attempts: %s", note.pk, note.attempts, error
        )
    else:
        note.next_attempt_at, note.last_error = now + backoff(note.attempts), error
    note.save(update_fields=["status", "sent_at", "last_error", "next_attempt_at"])


def channel_send_test(*, channel: NotificationChannel, now: datetime | None = None) -> Notification:
    """The admin's "send test notification": a one-item notification sent at once."""
    now = now or timezone.now()
    item: dict[str, object] = {
        "alert": None,
        "kind": "test",
        "state": "test",
        "rule": "test notification",
        "severity": "info",
        "metric": "",
        "host": "",
        "labels": {},
        "value": None,
        "at": now.isoformat(),
        "summary": f"Test notification from Hydra to {channel.name}",
        "description": "If you can read this, the channel works.",
    }
    note = Notification.objects.create(channel=channel, items=[item], next_attempt_at=now)
    notification_send(notification_id=note.pk, now=now)
    note.refresh_from_db()
    return note
