"""Notification policies at work: Hydra's alerts and those posted to ``/api/v2/alerts`` go
through the routing engine (``alerts.routing``): routes, grouping, inhibition, time
intervals, silences, acknowledgements and the notification log, as in Alertmanager.

``dispatch_cycle`` loads the engine's state (kept in memory while this process holds
the latest revision, else restored from the ``DispatcherState`` row), ingests alerts,
flushes the due groups, stores every decision (``RoutingDecision``) and the state, and
queues one ``Notification`` per integration to notify; they are sent after commit like
every notification (retries, attempts). A restart re-reads the row: no group is lost,
nothing is notified twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alerts.matchers import matches
from alerts.models import Alert, DispatcherState, Notification, RoutingDecision
from alerts.routing import Alert as EngineAlert
from alerts.routing import ConfigError, Dispatcher, webhook_payload
from alerts.routing.groups import FlushDecision
from alerts.routing.groups import Notification as EngineNotification
from alerts.selectors import active_silences
from alerts.services.alert_writes import bulk_insert
from alerts.services.dispatch_state import hydra_alerts, state_dump, state_restore
from alerts.services.routing_config import Current, current_config
from core.dispatch import enqueue

logger = logging.getLogger(__name__)
_memory: dict = {}  # revision, hash, dispatcher of this process
DECISIONS_KEPT = timedelta(days=7)
PRUNE_EVERY = timedelta(hours=1)


@dataclass
class CycleReport:
    ingested: int = 0
    notifications: int = 0
    decisions: int = 0
    groups: int = 0
    seconds: float = 0.0
    error: str = ""


def dispatch_cycle(
    *, now: datetime | None = None, incoming: Iterable[EngineAlert] = (), feed_hydra: bool = False
) -> CycleReport:
    """One pass: ingest ``incoming`` (and Hydra's active alerts), flush due groups."""
    started, now = time.monotonic(), now or timezone.now()
    try:
        current = current_config()
    except ConfigError as exc:
        logger.error("notification policies do not make a valid configuration: %s", exc)
        return CycleReport(error=str(exc))
    try:
        with transaction.atomic():
            report = _cycle(current, now, list(incoming), feed_hydra)
    except Exception:
        _memory.clear()  # the in-memory dispatcher may hold what was not saved
        raise
    report.seconds = time.monotonic() - started
    return report


def _cycle(current: Current, now: datetime, alerts: list, feed_hydra: bool) -> CycleReport:
    row = _locked_state()
    dispatcher = _dispatcher(row, current, now)
    if feed_hydra:
        alerts += hydra_alerts(now)
    dispatcher.silencer = silencer(now)
    dispatcher.ingest(alerts, now)
    notifications = dispatcher.flush(now)
    decisions = decisions_record(dispatcher.decisions)
    ids = notifications_create(notifications)
    if alerts or ids or row.revision == 0:  # a flush without news changes only timers
        _save(row, dispatcher, current, now)
    if ids:
        transaction.on_commit(lambda: [enqueue("alerts.tasks.notification_send", i) for i in ids])
    return CycleReport(
        ingested=len(alerts), notifications=len(ids), decisions=decisions,
        groups=dispatcher.group_count(),
    )  # fmt: skip


def _locked_state() -> DispatcherState:
    """The state row, locked, without its (large) state column."""
    if not DispatcherState.objects.filter(pk=1).exists():
        DispatcherState.objects.get_or_create(pk=1)
    return DispatcherState.objects.select_for_update().only("revision", "config_hash").get(pk=1)


def _dispatcher(row: DispatcherState, current: Current, now: datetime) -> Dispatcher:
    if _memory.get("revision") == row.revision and _memory.get("hash") == current.hash:
        return _memory["dispatcher"]
    state = DispatcherState.objects.values_list("state", flat=True).get(pk=row.pk)
    return state_restore(current.config, state or {}, now)


def _save(row: DispatcherState, dispatcher: Dispatcher, current: Current, now) -> None:
    row.state = state_dump(dispatcher, now)
    row.revision += 1
    row.config_hash = current.hash
    row.save(update_fields=["state", "revision", "config_hash", "updated_at"])
    _memory.update(revision=row.revision, hash=current.hash, dispatcher=dispatcher)


def dispatcher_loaded() -> Dispatcher | None:
    """The engine as last saved (read-only use: the API's alert list)."""
    row = DispatcherState.objects.filter(pk=1).only("revision", "config_hash").first()
    if row is None:
        return None
    current = current_config()
    return _dispatcher(row, current, timezone.now())


def silencer(now: datetime):
    """Hydra's silences (recurring ones too) and acknowledged alerts mute notifications."""
    silences = active_silences(now)
    acked = {
        tuple(sorted(labels.items()))
        for labels in Alert.objects.filter(
            state=Alert.State.FIRING, acknowledged_at__isnull=False
        ).values_list("labels", flat=True)
    }

    def check(labels: dict[str, str], at: datetime) -> str | None:
        for silence in silences:
            if matches(silence.matchers, labels) and silence.active_at(at):
                return f"silence {silence.pk}"
        if acked and tuple(sorted(labels.items())) in acked:
            return "acknowledged"
        return None

    return check


DECISION_FIELDS = ["at", "group_key", "receiver", "route_path", "outcome", "reason",
                   "fingerprints", "details"]  # fmt: skip
NOTIFICATION_FIELDS = ["receiver", "integration", "group_key", "payload", "items", "status",
                       "next_attempt_at", "attempts", "created_at", "last_error"]  # fmt: skip


def decisions_record(decisions: list[FlushDecision]) -> int:
    """Store what each flushed group did, except "unchanged" repeats of the same news."""
    rows = [
        RoutingDecision(
            at=d.at,
            group_key=d.group_key,
            receiver=d.receiver,
            route_path=d.route_path,
            outcome=d.outcome,
            reason=d.reason,
            fingerprints=" ".join(f"{fp:016x}" for fp in d.alerts),
            details={
                "inhibited": d.inhibited,
                "silenced": d.silenced,
                "integrations": d.integrations,
            },
        )  # fmt: skip
        for d in decisions
        if d.outcome != "unchanged"
    ]
    bulk_insert(RoutingDecision, rows, DECISION_FIELDS)
    if decisions:
        _prune(decisions[0].at)
    return len(rows)


def _prune(now: datetime) -> None:
    """Decisions are kept ``DECISIONS_KEPT``; checked at most hourly per process."""
    last = _memory.setdefault("pruned_at", now)
    if last <= now - PRUNE_EVERY:
        RoutingDecision.objects.filter(at__lt=now - DECISIONS_KEPT).delete()
        _memory["pruned_at"] = now


def notifications_create(notifications: list[EngineNotification]) -> list[int]:
    base, created = settings.HYDRA_EXTERNAL_URL.rstrip("/"), timezone.now()
    rows = [
        Notification(
            receiver=n.receiver,
            integration=f"{n.integration.kind}[{n.integration.index}]",
            group_key=n.group_key,
            payload=webhook_payload(n, external_url=base),
            items=[],
            status=Notification.Status.PENDING,
            next_attempt_at=n.at,
            attempts=0,
            created_at=created,
            last_error="",
        )  # fmt: skip
        for n in notifications
    ]
    bulk_insert(Notification, rows, NOTIFICATION_FIELDS)
    return [n.pk for n in rows]
