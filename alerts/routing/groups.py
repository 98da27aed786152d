"""Aggregation groups and what a flush produces (notifications and decisions).

A group holds the alerts of one route with equal group labels. Its timer: the first flush
``group_wait`` after the group was created (at once if an alert started more than
``group_wait`` ago), then one every ``group_interval``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime

from alerts.routing.alert import Alert
from alerts.routing.config import Integration
from alerts.routing.labels import LabelKey, alert_sort_key, labelset_string
from alerts.routing.routes import Route


class AggregationGroup:
    def __init__(self, route: Route, labels: dict[str, str], now: datetime) -> None:
        self.route = route
        self.labels = labels
        self.key = f"{route.key}:{labelset_string(labels)}"  # Alertmanager's group key
        self.alerts: dict[LabelKey, Alert] = {}
        self.created_at = now
        self.next_flush = now + route.group_wait
        self.has_flushed = False

    def insert(self, alert: Alert, now: datetime) -> None:
        self.alerts[alert.key] = alert
        if not self.has_flushed and alert.starts_at + self.route.group_wait < now:
            self.next_flush = now  # it waited long enough already

    def due(self, now: datetime) -> bool:
        return self.next_flush <= now

    def start_flush(self, now: datetime) -> None:
        self.next_flush = now + self.route.group_interval
        self.has_flushed = True

    def snapshot(self, now: datetime) -> list[Alert]:
        """Copies in notification order; firing copies lose their end (Go's zero time)."""
        copies = [a if a.resolved_at(now) else a.without_end() for a in self.alerts.values()]
        copies.sort(key=lambda a: alert_sort_key(a.labels))
        return copies

    def drop_resolved(self, flushed: list[Alert], now: datetime) -> None:
        """Forget alerts notified as resolved, unless they were updated since."""
        for copy in flushed:
            current = self.alerts.get(copy.key)
            if (
                current is not None
                and copy.resolved_at(now)
                and current.updated_at == copy.updated_at
            ):
                del self.alerts[copy.key]


@dataclass
class Notification:
    """One message to one receiver integration about one group."""

    receiver: str
    integration: Integration
    group_key: str
    group_labels: dict[str, str]
    route: Route
    alerts: list[Alert]  # in Alertmanager's order; firing ones have ends_at None
    at: datetime
    truncated: int = 0

    @property
    def status(self) -> str:
        return "firing" if any(a.ends_at is None for a in self.alerts) else "resolved"

    @property
    def firing(self) -> list[Alert]:
        return [a for a in self.alerts if a.ends_at is None]

    @property
    def resolved(self) -> list[Alert]:
        return [a for a in self.alerts if a.ends_at is not None]


@dataclass
class FlushDecision:
    """Why one group flush did or did not notify (stored for Hydra's alert pages)."""

    group_key: str
    receiver: str
    route_path: str
    at: datetime
    # notified | unchanged | inhibited | muted | inactive | silenced | discarded
    outcome: str = "notified"
    reason: str = ""
    alerts: list[str] = field(default_factory=list)  # fingerprints in the flush
    inhibited: dict[str, str] = field(default_factory=dict)  # fingerprint -> by fingerprint
    silenced: dict[str, str] = field(default_factory=dict)  # fingerprint -> silence
    integrations: dict[str, str] = field(default_factory=dict)  # "webhook[0]" -> outcome

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["at"] = self.at.isoformat()
        return data
