"""Rule evaluation: claim due rules, observe in batches, step each alert, write in bulk.

Everything an alert is lives in its row (restart-safe): a process that restarts reads
the same state and reaches the same decisions, so nothing is lost or re-notified.
One rule's failure marks that rule in error; the others carry on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from alerts import lifecycle
from alerts.live import publish_alerts
from alerts.models import Alert, AlertEvent, AlertRule, Silence
from alerts.observations import observe
from alerts.selectors import active_silences, alert_labels, silenced
from alerts.services.notify import Change, notifications_queue
from alerts.templating import render, template_context
from metrics.models import Series

logger = logging.getLogger(__name__)
INTERVAL_S = 15
US = 1_000_000


@dataclass
class EvalReport:
    rules: int = 0
    transitions: int = 0
    errors: list[str] = field(default_factory=list)


def rules_claim(*, now: datetime, lease_s: float = INTERVAL_S - 1) -> list[AlertRule]:
    """Claim the due rules with one conditional update; a concurrent run gets none of them."""
    due = Q(next_eval_at__isnull=True) | Q(next_eval_at__lte=now)
    ids = list(AlertRule.objects.filter(due, enabled=True).values_list("id", flat=True))
    until = now + timedelta(seconds=lease_s)
    AlertRule.objects.filter(due, pk__in=ids).update(next_eval_at=until, last_evaluated_at=now)
    claimed = AlertRule.objects.filter(pk__in=ids, next_eval_at=until, last_evaluated_at=now)
    return list(claimed.prefetch_related("channels"))


def rules_evaluate(*, now: datetime | None = None) -> EvalReport:
    """Evaluate every due rule once (the 15 s beat task)."""
    now = now or timezone.now()
    rules = rules_claim(now=now)
    report = EvalReport(rules=len(rules))
    if not rules:
        return report
    now_us = int(now.timestamp() * US)
    silences = active_silences(now)
    observations, series, failed = observe(rules, now_us)
    for rule in rules:
        if rule.pk in failed:
            _mark_errors([rule], failed[rule.pk], report)
        else:
            _evaluate_one(rule, observations[rule.pk], series, now, silences, report)
    return report


def _evaluate_one(rule, values, series, now, silences, report: EvalReport) -> None:
    try:
        with transaction.atomic():
            report.transitions += rule_apply(
                rule=rule, values=values, series=series, now=now, silences=silences
            )
        status = "no data" if values and all(v is None for v in values.values()) else "ok"
        _set_status(rule, status, "")
    except Exception as exc:
        _mark_errors([rule], exc, report)


def _mark_errors(rules: list[AlertRule], exc: Exception, report: EvalReport) -> None:
    logger.error("alert rule evaluation failed: %s", [r.name for r in rules], exc_info=exc)
    for rule in rules:
        report.errors.append(f"{rule.name}: {exc}")
        _set_status(rule, "error", f"{type(exc).__name__}: {exc}")


def _set_status(rule: AlertRule, status: str, error: str) -> None:
    if (rule.last_status, rule.error) != (status, error):
        AlertRule.objects.filter(pk=rule.pk).update(last_status=status, error=error)
        rule.last_status, rule.error = status, error


def rule_apply(
    *,
    rule: AlertRule,
    values: dict[int, float | None],
    series: dict[int, Series],
    now: datetime,
    silences: list[Silence],
) -> int:
    """Step the rule's alerts with one observation each; write changes in bulk."""
    existing = {a.series_id: a for a in Alert.objects.filter(rule=rule)}
    params, t = rule.params, now.timestamp()
    step = _Step(rule, now, silences)
    for sid, value in values.items():
        alert = existing.get(sid)
        if alert is None and (value is None or not params.breaches(value)):
            continue  # quiet series never get a row
        new, events = lifecycle.step(to_state(alert), value, t, params)
        step.record(alert, series[sid], new, events, value)
    for sid, alert in existing.items():
        if sid not in values and alert.state != Alert.State.RESOLVED:
            new, events = lifecycle.step(to_state(alert), None, t, params)  # series deselected
            step.record(alert, alert.series, new, events, None)
    return step.write()


def to_state(alert: Alert | None) -> lifecycle.State:
    if alert is None:
        return lifecycle.State()
    return lifecycle.State(
        state=alert.state,
        since=alert.since.timestamp(),
        pending_since=alert.pending_since.timestamp() if alert.pending_since else None,
        last_active_at=alert.last_active_at.timestamp() if alert.last_active_at else None,
        transitions=tuple(alert.transitions),
        flapping=alert.flapping,
    )


def _dt(t: float | None) -> datetime | None:
    return None if t is None else datetime.fromtimestamp(t, tz=UTC)


class _Step:
    """Collects one rule's changes, then writes them with a few bulk statements."""

    def __init__(self, rule: AlertRule, now: datetime, silences: list[Silence]) -> None:
        self.rule, self.now, self.silences = rule, now, silences
        self.created: list[Alert] = []
        self.updated: list[Alert] = []
        self.events: list[tuple[Alert, lifecycle.Event, bool, bool]] = []
        self.changes: list[Change] = []
        self.channels = [c for c in rule.channels.all() if c.enabled]

    def record(self, alert, series, new: lifecycle.State, events, value) -> None:
        fresh = alert is None
        if fresh:
            alert = Alert(rule=self.rule, series=series)
        was_flapping = alert.flapping
        changed = fresh or _changed(alert, new, value)
        _apply(alert, new, value, self.rule)
        is_silenced = silenced(alert_labels(self.rule, series), self.silences)
        starts_flapping = any(e.kind == lifecycle.FLAPPING for e in events)
        for event in events:
            muted = is_silenced or (starts_flapping and event.kind == lifecycle.TRANSITION)
            notify = not muted and _notifiable(event, was_flapping)
            self.events.append((alert, event, is_silenced, notify))
            if notify:
                self.changes.append(Change(alert=alert, kind=_kind(event)))
        if events:
            alert.silenced = is_silenced
            alert.summary = _summary(self.rule, series, alert)
        elif not is_silenced:
            self._maybe_repeat(alert)
        if fresh:
            self.created.append(alert)
        elif changed or events:
            self.updated.append(alert)

    def _maybe_repeat(self, alert: Alert) -> None:
        if alert.state != Alert.State.FIRING or alert.flapping:
            return
        t = self.now.timestamp()
        for channel in self.channels:
            last = alert.last_notified.get(str(channel.pk))
            if last is not None and t - last >= channel.repeat_interval_seconds:
                self.changes.append(Change(alert=alert, kind="repeat", channels=[channel]))

    def write(self) -> int:
        Alert.objects.bulk_create(self.created)
        if self.changes:
            notifications_queue(
                rule=self.rule, changes=self.changes, channels=self.channels, now=self.now
            )
        Alert.objects.bulk_update(self.updated + self.created, UPDATE_FIELDS)
        AlertEvent.objects.bulk_create(
            [
                AlertEvent(
                    alert=alert,
                    kind=e.kind,
                    from_state=e.from_state,
                    to_state=e.to_state,
                    value=e.value,
                    at=self.now,
                    rule_version=self.rule.version,
                    silenced=is_silenced,
                    notified=notify,
                )
                for alert, e, is_silenced, notify in self.events
            ]
        )
        moved = {a.pk: a for a, e, _, _ in self.events}
        publish_alerts(list(moved.values()))
        return len(self.events)


UPDATE_FIELDS = [
    "state",
    "value",
    "since",
    "pending_since",
    "last_active_at",
    "transitions",
    "flapping",
    "silenced",
    "acknowledged_at",
    "acknowledged_by",
    "rule_version",
    "summary",
    "last_notified",
]


def _changed(alert: Alert, new: lifecycle.State, value) -> bool:
    return alert.value != value or to_state(alert) != new


def _apply(alert: Alert, new: lifecycle.State, value, rule: AlertRule) -> None:
    if new.state == lifecycle.FIRING and alert.state != Alert.State.FIRING:
        alert.acknowledged_at, alert.acknowledged_by = None, None  # a new episode
    alert.state = new.state
    alert.since = _dt(new.since) or alert.since
    alert.pending_since = _dt(new.pending_since)
    alert.last_active_at = _dt(new.last_active_at)
    alert.transitions = list(new.transitions)
    alert.flapping = new.flapping
    alert.value = value
    alert.rule_version = rule.version


def _notifiable(event: lifecycle.Event, was_flapping: bool) -> bool:
    if event.kind == lifecycle.FLAPPING:
        return True
    if event.kind != lifecycle.TRANSITION or was_flapping:
        return False
    return event.to_state == lifecycle.FIRING or event.from_state == lifecycle.FIRING


def _kind(event: lifecycle.Event) -> str:
    return "flapping" if event.kind == lifecycle.FLAPPING else event.to_state


def _summary(rule: AlertRule, series: Series, alert: Alert) -> str:
    return render(rule.summary_template, template_context(rule, series, alert))[:500]
