"""The dispatcher: alerts in (``ingest``), notifications out (``flush``), on an explicit clock.

It reproduces Alertmanager 0.25's path from the alert store to the integrations: the
store merges re-sent alerts; each alert is routed and put into an aggregation group per
matched route; a due group is flushed through inhibition, the route's active / mute
time intervals, silences, and per integration the notification log's dedup. Nothing
here sleeps or reads the clock: the caller passes ``now`` (aware datetimes) and calls
``flush`` when ``next_flush_at()`` says so (or every second).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from alerts.routing.alert import Alert, overlaps
from alerts.routing.config import Config, Integration
from alerts.routing.explain import RoutingExplanation, explain_routing
from alerts.routing.groups import AggregationGroup, FlushDecision, Notification, as_notified
from alerts.routing.inhibit import Inhibitor
from alerts.routing.labels import LabelKey, LabelSet, fingerprint_hex
from alerts.routing.nflog import LogEntry, NotificationLog, needs_update
from alerts.routing.routes import Route
from alerts.routing.timeintervals import in_intervals

Silencer = Callable[[LabelSet, datetime], object]  # truthy (e.g. a silence id) = silenced
MAINTENANCE = timedelta(seconds=30)  # empty groups are dropped on this beat, as in Alertmanager
ALERT_RETENTION = timedelta(minutes=30)  # resolved alerts leave the store after this
NFLOG_RETENTION = timedelta(hours=120)


class Dispatcher:
    """Alertmanager's alert store, dispatcher, inhibitor and notification pipeline in one.

    ``silencer(labels, now)`` returns something truthy (a silence id) for a silenced
    alert: Hydra's silences plug in here. ``decisions`` holds one ``FlushDecision`` per
    group flushed by the last ``flush`` call.
    """

    def __init__(
        self,
        config: Config,
        *,
        silencer: Silencer | None = None,
        nflog: NotificationLog | None = None,
        maintenance: timedelta = MAINTENANCE,
    ) -> None:
        self.config = config
        self.silencer = silencer
        self.nflog = nflog or NotificationLog()
        self.maintenance = maintenance
        self.alerts: dict[int, Alert] = {}  # by fingerprint, like Alertmanager's store
        self.inhibitor = Inhibitor(config.inhibit_rules)
        self.groups: dict[Route, dict[LabelKey, AggregationGroup]] = {}
        self.decisions: list[FlushDecision] = []  # of the last flush
        self._placements: dict[int, list[tuple[Route, LabelKey]]] = {}
        self._next_maintenance: datetime | None = None

    # -- alerts in ---------------------------------------------------------------------

    def ingest(self, alerts: Iterable[Alert], now: datetime) -> None:
        """Store, route and group alerts (as ``POST /api/v2/alerts`` does)."""
        self._start(now)
        for alert in alerts:
            if alert.updated_at is None:
                alert = dataclasses.replace(alert, updated_at=now)
            old = self.alerts.get(alert.fingerprint)
            if old is not None and overlaps(alert, old):
                alert = old.merge(alert, now)
            self.alerts[alert.fingerprint] = alert
            self.inhibitor.observe(alert)
            self._dispatch(alert, now)

    def _dispatch(self, alert: Alert, now: datetime) -> None:
        placements = self._placements.get(alert.fingerprint)
        if placements is None:
            placements = self._placements[alert.fingerprint] = self._place(alert)
        for route, key in placements:
            groups = self.groups.setdefault(route, {})
            group = groups.get(key)
            if group is None:
                group = groups[key] = AggregationGroup(route, dict(key), now)
            group.insert(alert, now)

    def _place(self, alert: Alert) -> list[tuple[Route, LabelKey]]:
        """The routes an alert goes to, each with its group labels (cached per label set)."""
        return [
            (
                route,
                alert.key
                if route.group_by_all
                else tuple(kv for kv in alert.key if kv[0] in route.group_by),
            )
            for route in self.config.route.match(alert.labels)
        ]

    # -- notifications out -------------------------------------------------------------

    def next_flush_at(self) -> datetime | None:
        """When the earliest group with alerts is due (None: nothing to flush)."""
        times = [g.next_flush for gs in self.groups.values() for g in gs.values() if g.alerts]
        return min(times, default=None)

    def flush(self, now: datetime) -> list[Notification]:
        """Flush every due group; the decisions are in ``self.decisions`` afterwards."""
        self._start(now)
        self.decisions = []
        notifications: list[Notification] = []
        due = [g for gs in self.groups.values() for g in gs.values() if g.due(now)]
        for group in sorted(due, key=lambda g: (g.next_flush, g.key)):
            notifications.extend(self._flush_group(group, now))
        self._maintain(now)
        return notifications

    def _flush_group(self, group: AggregationGroup, now: datetime) -> list[Notification]:
        group.start_flush(now)
        if not group.alerts:
            return []
        alerts = list(group.alerts.values())
        route = group.route
        decision = FlushDecision(group.key, route.receiver, route.path, now)
        decision.alerts = [a.fingerprint for a in alerts]
        self.decisions.append(decision)
        notifications = self._pipeline(group, alerts, now, decision)
        group.drop_resolved(alerts, now)
        return notifications

    def _pipeline(
        self, group: AggregationGroup, alerts: list[Alert], now: datetime, decision: FlushDecision
    ) -> list[Notification]:
        alerts = self._not_inhibited(alerts, now, decision)
        if not alerts:
            return _stop(decision, "inhibited", "every alert of the group is inhibited")
        if reason := self._time_muted(group.route, now):
            return _stop(decision, *reason)
        alerts = self._not_silenced(alerts, now, decision)
        if not alerts:
            return _stop(decision, "silenced", "every alert of the group is silenced")
        receiver = self.config.receivers[group.route.receiver]
        if not receiver.integrations:
            return _stop(decision, "discarded", "the receiver has no integrations")
        sent = [self._integration(group, i, alerts, now, decision) for i in receiver.integrations]
        notifications = [n for n in sent if n is not None]
        if not notifications:
            decision.outcome = "unchanged"
        return notifications

    def _not_inhibited(
        self, alerts: list[Alert], now: datetime, decision: FlushDecision
    ) -> list[Alert]:
        kept = []
        for alert in alerts:
            source = self.inhibitor.inhibited_by_alert(alert, now)
            if source is None:
                kept.append(alert)
            else:
                decision.inhibited[alert.fingerprint_hex] = source.fingerprint_hex
        return kept

    def _time_muted(self, route: Route, now: datetime) -> tuple[str, str] | None:
        intervals = self.config.time_intervals
        active = route.active_time_intervals
        if active and in_intervals(now, intervals, active) is None:
            return "inactive", f"outside the route's active time intervals {', '.join(active)}"
        if name := in_intervals(now, intervals, route.mute_time_intervals):
            return "muted", f"inside the route's mute time interval {name}"
        return None

    def _not_silenced(
        self, alerts: list[Alert], now: datetime, decision: FlushDecision
    ) -> list[Alert]:
        if self.silencer is None:
            return alerts
        kept = []
        for alert in alerts:
            silence = self.silencer(alert.labels, now)
            if silence:
                decision.silenced[alert.fingerprint_hex] = str(silence)
            else:
                kept.append(alert)
        return kept

    def _integration(
        self,
        group: AggregationGroup,
        integration: Integration,
        alerts: list[Alert],
        now: datetime,
        decision: FlushDecision,
    ) -> Notification | None:
        """Dedup against the log; log and return the notification when one is due."""
        name = f"{integration.kind}[{integration.index}]"
        firing = frozenset(a.fingerprint for a in alerts if not a.resolved_at(now))
        resolved = frozenset(a.fingerprint for a in alerts if a.resolved_at(now))
        key = (group.key, group.route.receiver, integration.kind, integration.index)
        entry = self.nflog.get(key)
        if not needs_update(
            entry, firing, resolved, repeat_interval=group.route.repeat_interval,
            send_resolved=integration.send_resolved, now=now,
        ):  # fmt: skip
            decision.integrations[name] = "unchanged since the last notification"
            return None
        self.nflog.log(key, LogEntry(firing, resolved, now))
        if not integration.send_resolved:
            alerts = [a for a in alerts if not a.resolved_at(now)]
        if not alerts:
            decision.integrations[name] = "only resolved alerts and send_resolved is off"
            return None
        decision.integrations[name] = "notified"
        return Notification(
            group.route.receiver, integration, group.key, group.labels, group.route,
            as_notified(alerts, now), now,
        )  # fmt: skip

    # -- housekeeping and introspection -----------------------------------------------

    def _start(self, now: datetime) -> None:
        if self._next_maintenance is None:
            self._next_maintenance = now + self.maintenance

    def _maintain(self, now: datetime) -> None:
        """Alertmanager's periodic clean-up: empty groups, old resolved alerts, old log."""
        assert self._next_maintenance is not None
        if now < self._next_maintenance:
            return
        while self._next_maintenance <= now:
            self._next_maintenance += self.maintenance
        for route, groups in self.groups.items():
            self.groups[route] = {k: g for k, g in groups.items() if g.alerts}
        for key, alert in list(self.alerts.items()):
            if alert.resolved_at(now - ALERT_RETENTION):
                del self.alerts[key]
                self._placements.pop(key, None)
                self.inhibitor.forget(alert)
        self.nflog.gc(now, NFLOG_RETENTION)

    def reconfigure(self, config: Config, now: datetime) -> None:
        """Load a new configuration like Alertmanager's reload: new groups, same log."""
        self.config = config
        self.inhibitor = Inhibitor(config.inhibit_rules)
        self.groups, self._placements = {}, {}
        for alert in self.alerts.values():
            self.inhibitor.observe(alert)
        for alert in self.alerts.values():
            self._dispatch(alert, now)

    def explain(self, labels: LabelSet) -> RoutingExplanation:
        """Which routes an alert with these labels goes to, and why."""
        return explain_routing(self.config.route, labels)

    def inhibited_by(self, labels: LabelSet, now: datetime) -> str | None:
        """The fingerprint of the alert inhibiting ``labels`` now, or None."""
        source = self.inhibitor.inhibited_by(labels, now)
        return None if source is None else fingerprint_hex(source.fingerprint)

    def group_count(self) -> int:
        return sum(len(gs) for gs in self.groups.values())


def _stop(decision: FlushDecision, outcome: str, reason: str) -> list[Notification]:
    decision.outcome, decision.reason = outcome, reason
    return []
