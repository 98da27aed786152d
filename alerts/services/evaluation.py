"""Rule evaluation: claim due rules, observe in batches, step each alert, write in bulk.

Everything an alert is lives in its row (restart-safe): a process that restarts reads
the same state and reaches the same decisions, so nothing is lost or re-notified.
One rule's failure marks that rule in error; the others carry on.

Each rule is stepped in memory first; then the whole cycle's changes are written in one
transaction of a few statements (a cycle that creates thousands of alerts would
otherwise pay one commit and several inserts per rule). Should that batch fail, the
rules are written one by one, each in its own transaction, so only a rule whose own
write fails is marked in error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from alerts import lifecycle
from alerts.live import publish_alerts
from alerts.models import Alert, AlertEvent, AlertRule, Silence
from alerts.models.routing import RULE_CHANNELS
from alerts.observations import observe
from alerts.promql_rules import alert_samples_write, recording_rules_run
from alerts.routing import ConfigError, Route
from alerts.routing.labels import fingerprint, fingerprint_hex
from alerts.selectors import active_silences, alert_labels, silenced
from alerts.services.alert_writes import alerts_create, alerts_save, alerts_touch, events_create
from alerts.services.notify import Change, notifications_mark, notifications_queue
from alerts.services.routing_config import current_config
from alerts.templating import render, template_context
from core.dispatch import enqueue
from metrics.models import Series
from scenarios.models import ScenarioRun
from scenarios.selectors import run_generating_load

logger = logging.getLogger(__name__)
INTERVAL_S = 15
US = 1_000_000


@dataclass
class EvalReport:
    rules: int = 0
    transitions: int = 0
    errors: list[str] = field(default_factory=list)


def rules_claim(*, now: datetime, lease_s: float = INTERVAL_S * 0.8) -> list[AlertRule]:
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
    recording_rules_run(now=now)  # first, as in a Prometheus rule group
    rules = rules_claim(now=now)
    report = EvalReport(rules=len(rules))
    if not rules:
        return report
    silences = active_silences(now)
    load_test = run_generating_load(now)
    route = _routing_tree()
    observations, series, failed = observe(rules, int(now.timestamp() * US))
    existing = _alerts_by_rule(rules, series)
    stepped: list[Context] = []
    for rule in rules:
        if rule.pk in failed:
            _mark_error(rule, failed[rule.pk], report)
            continue
        context = Context(rule, now, silences, existing.get(rule.pk, {}), series)
        context.load_test, context.route = load_test, route
        try:
            rule_apply(context=context, values=observations[rule.pk])
        except Exception as exc:
            _mark_error(rule, exc, report)
            continue
        stepped.append(context)
    written = _write_all(stepped, report)
    alerts_touch([touch for context in written for touch in context.touches])
    _alert_samples(written, now)
    _set_statuses(rules, _statuses(written, observations))
    enqueue("alerts.tasks.dispatch_notifications", True, now.isoformat())  # policies' turn
    return report


def _alert_samples(written: list[Context], now: datetime) -> None:
    """Prometheus's ``ALERTS`` series for the PromQL rules (never failing the cycle)."""
    try:
        alert_samples_write(written, now)
    except Exception:
        logger.exception("writing the ALERTS series failed")


def _write_all(contexts: list[Context], report: EvalReport) -> list[Context]:
    """Write every rule's changes in one transaction, or rule by rule if that fails."""
    try:
        with transaction.atomic():
            report.transitions += contexts_write(contexts)
        return contexts
    except Exception:
        logger.warning("batched alert write failed; writing rule by rule", exc_info=True)
    written = []
    for context in contexts:
        context.forget_inserted()
        try:
            with transaction.atomic():
                report.transitions += contexts_write([context])
        except Exception as exc:
            _mark_error(context.rule, exc, report)
            continue
        written.append(context)
    return written


def _routing_tree() -> Route | None:
    """The policies' tree, to tell which alerts go to their rule's channels (None: the
    policies are broken, so every alert does, as before policies existed)."""
    try:
        return current_config().config.route
    except ConfigError as exc:
        logger.error("notification policies are invalid, using rule channels: %s", exc)
        return None


def _statuses(written: list[Context], observations) -> dict[str, list[int]]:
    statuses: dict[str, list[int]] = {"ok": [], "no data": []}
    for context in written:
        values = observations[context.rule.pk]
        no_data = bool(values) and all(v is None for v in values.values())
        statuses["no data" if no_data else "ok"].append(context.rule.pk)
    return statuses


def _alerts_by_rule(
    rules: list[AlertRule], series: dict[int, Series]
) -> dict[int, dict[int, Alert]]:
    """Every alert of the claimed rules in one query, with rule and series attached."""
    by_pk = {r.pk: r for r in rules}
    out: dict[int, dict[int, Alert]] = {}
    for alert in Alert.objects.filter(rule_id__in=by_pk):
        alert.rule = by_pk[alert.rule_id]
        if alert.series_id in series:
            alert.series = series[alert.series_id]
        out.setdefault(alert.rule_id, {})[alert.series_id] = alert
    return out


def _mark_error(rule: AlertRule, exc: Exception, report: EvalReport) -> None:
    logger.error("alert rule %r evaluation failed", rule.name, exc_info=exc)
    report.errors.append(f"{rule.name}: {exc}")
    error = f"{type(exc).__name__}: {exc}"
    AlertRule.objects.filter(pk=rule.pk).update(last_status="error", error=error)


def _set_statuses(rules: list[AlertRule], statuses: dict[str, list[int]]) -> None:
    """One update per status, only for the rules whose status changed."""
    current = {r.pk: (r.last_status, r.error) for r in rules}
    for status, ids in statuses.items():
        changed = [pk for pk in ids if current[pk] != (status, "")]
        if changed:
            AlertRule.objects.filter(pk__in=changed).update(last_status=status, error="")


def rule_apply(*, context: Context, values: dict[int, float | None]) -> None:
    """Step the rule's alerts with one observation each (in memory: ``contexts_write``
    stores the changes)."""
    params, t = context.rule.params, context.now.timestamp()
    for sid, value in values.items():
        alert = context.existing.get(sid)
        if alert is None and (value is None or not params.breaches(value)):
            continue  # quiet series never get a row
        new, events = lifecycle.step(to_state(alert), value, t, params)
        context.record(
            alert, context.series[sid] if alert is None else alert.series, new, events, value
        )
    for sid, alert in context.existing.items():
        if sid not in values and alert.state != Alert.State.RESOLVED:
            new, events = lifecycle.step(to_state(alert), None, t, params)  # series deselected
            context.record(alert, alert.series, new, events, None)


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


class Context:
    """One rule's evaluation: collects its changes, then writes them in a few statements."""

    def __init__(self, rule, now: datetime, silences: list[Silence], existing, series) -> None:
        self.rule, self.now, self.silences = rule, now, silences
        self.existing: dict[int, Alert] = existing
        self.series: dict[int, Series] = series
        self.created: list[Alert] = []
        self.updated: list[Alert] = []
        self.touches: list[tuple[Alert, float | None, datetime | None]] = []
        self.new_episodes: list[Alert] = []
        self.events: list[tuple[Alert, lifecycle.Event, bool, bool]] = []
        self.changes: list[Change] = []
        self.channels = [c for c in rule.channels.all() if c.enabled]
        self.load_test: ScenarioRun | None = None  # generating load now: tags what fires
        self.route: Route | None = None  # the notification policies' tree
        self._rule_channels: dict[tuple, bool] = {}

    def to_rule_channels(self, labels: dict[str, str]) -> bool:
        """Whether the policies send an alert with these labels to its rule's channels."""
        if self.route is None:
            return True
        key = tuple(sorted(labels.items()))
        if key not in self._rule_channels:
            receivers = {r.receiver for r in self.route.match(labels)}
            self._rule_channels[key] = RULE_CHANNELS in receivers
        return self._rule_channels[key]

    def record(self, alert, series, new: lifecycle.State, events, value) -> None:
        fresh = alert is None
        if fresh:
            alert = Alert(rule=self.rule, series=series)
        if not events and not fresh:
            self._still(alert, new, value)
            return
        was_flapping = alert.flapping
        if new.state == lifecycle.FIRING and alert.state != Alert.State.FIRING:
            alert.load_test = self.load_test  # "during load test <run>", or cleared
            if not fresh:
                self.new_episodes.append(alert)
        _apply(alert, new, value, self.rule)
        label_alert(alert, self.rule, series)
        is_silenced = silenced(alert.labels, self.silences)
        starts_flapping = any(e.kind == lifecycle.FLAPPING for e in events)
        for event in events:
            muted = is_silenced or (starts_flapping and event.kind == lifecycle.TRANSITION)
            notify = not muted and _notifiable(event, was_flapping)
            notify = notify and self.to_rule_channels(alert.labels)
            self.events.append((alert, event, is_silenced, notify))
            if notify:
                self.changes.append(Change(alert=alert, kind=_kind(event)))
        alert.silenced = is_silenced
        alert.summary = alert.annotations.get("summary", "")[:500]
        (self.created if fresh else self.updated).append(alert)

    def _still(self, alert: Alert, new: lifecycle.State, value) -> None:
        """No transition: usually only the value and last-active time changed (a cheap
        cycle-wide touch); a flapping window ending or a repeat needs a full save."""
        repeats = not alert.silenced and self._maybe_repeat(alert)
        old = to_state(alert)
        if repeats or old != replace(new, last_active_at=old.last_active_at):
            _apply(alert, new, value, self.rule)
            self.updated.append(alert)
        elif alert.state == Alert.State.RESOLVED:
            return  # a resolved alert keeps the value it resolved with: no write at all
        elif alert.value != value or old.last_active_at != new.last_active_at:
            self.touches.append((alert, value, _dt(new.last_active_at)))

    def _maybe_repeat(self, alert: Alert) -> bool:
        """Repeat a firing alert to channels whose repeat interval has passed; not while
        it flaps, nor once acknowledged (until it resolves or fires again)."""
        if alert.state != Alert.State.FIRING or alert.flapping or alert.acknowledged:
            return False
        if alert.labels and not self.to_rule_channels(alert.labels):
            return False
        t, due = self.now.timestamp(), []
        for channel in self.channels:
            last = alert.last_notified.get(str(channel.pk))
            if last is not None and t - last >= channel.repeat_interval_seconds:
                due.append(channel)
        if due:
            self.changes.append(Change(alert=alert, kind="repeat", channels=due))
        return bool(due)

    def forget_inserted(self) -> None:
        """Undo what a rolled-back insert left on the new alerts, to insert them again."""
        for alert in self.created:
            alert.pk, alert._state.adding = None, True


def contexts_write(contexts: list[Context]) -> int:
    """Store the changes of the stepped rules in a few statements; returns the events."""
    for c in contexts:
        if c.changes:
            notifications_mark(changes=c.changes, channels=c.channels, now=c.now)
    alerts_create([a for c in contexts for a in c.created])
    alerts_save([a for c in contexts for a in c.updated])
    episodes = [a.pk for c in contexts for a in c.new_episodes]
    if episodes:  # a new firing episode needs a new acknowledgement
        Alert.objects.filter(pk__in=episodes).update(acknowledged_at=None, acknowledged_by=None)
    for c in contexts:
        if c.changes:
            notifications_queue(rule=c.rule, changes=c.changes, channels=c.channels, now=c.now)
    events = [_event(c, *item) for c in contexts for item in c.events]
    events_create(events)
    publish_alerts(list({e.alert.pk: e.alert for e in events}.values()))
    return len(events)


def _event(context: Context, alert: Alert, e: lifecycle.Event, silenced: bool, notify: bool):
    return AlertEvent(
        alert=alert,
        kind=e.kind,
        from_state=e.from_state,
        to_state=e.to_state,
        value=e.value,
        at=context.now,
        rule_version=context.rule.version,
        silenced=silenced,
        notified=notify,
        load_test=context.load_test,
    )


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
    if event.kind in (lifecycle.FLAPPING, lifecycle.FLAPPING_END):
        return True  # at its end, the state it settled in (transitions went untold)
    if event.kind != lifecycle.TRANSITION or was_flapping:
        return False
    return event.to_state == lifecycle.FIRING or event.from_state == lifecycle.FIRING


def _kind(event: lifecycle.Event) -> str:
    if event.kind == lifecycle.FLAPPING:
        return "flapping"
    if event.kind == lifecycle.FLAPPING_END:
        return "firing" if event.to_state == lifecycle.FIRING else "resolved"
    return event.to_state


def label_alert(alert: Alert, rule: AlertRule, series: Series) -> None:
    """Set the alert's labels, fingerprint and rendered annotations."""
    alert.labels = alert_labels(rule, series, alert.load_test)
    alert.fingerprint = fingerprint_hex(fingerprint(alert.labels))
    context = template_context(rule, series, alert)
    templates = {  # a rule's own annotations win (PromQL rules bring their summary)
        "summary": rule.summary_template,
        "description": rule.description_template,
        **(rule.annotations if isinstance(rule.annotations, dict) else {}),
    }
    rendered = {name: render(text, context) for name, text in templates.items()}
    alert.annotations = {k: v for k, v in rendered.items() if v}
    if alert.load_test is not None:
        alert.annotations["load_test"] = (
            f"during load test #{alert.load_test.pk} {alert.load_test.name}"
        )
