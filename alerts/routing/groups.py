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
from alerts.routing.labels import alert_sort_key, fingerprint_hex, labelset_string
from alerts.routing.routes import Route


class AggregationGroup:
    def __init__(self, route: Route, labels: dict[str, str], now: datetime) -> None:
        self.route = route
        self.labels = labels
        self.key = f"{route.key}:{labelset_string(labels)}"  # Alertmanager's group key
        self.alerts: dict[int, Alert] = {}  # by fingerprint
        self.created_at = now
        self.next_flush = now + route.group_wait
        self.has_flushed = False

    def insert(self, alert: Alert, now: datetime) -> None:
        self.alerts[alert.fingerprint] = alert
        if not self.has_flushed and alert.starts_at + self.route.group_wait < now:
            self.next_flush = now  # it waited long enough already

    def due(self, now: datetime) -> bool:
        return self.next_flush <= now

    def start_flush(self, now: datetime) -> None:
        self.next_flush = now + self.route.group_interval
        self.has_flushed = True

    def drop_resolved(self, flushed: list[Alert], now: datetime) -> None:
        """Forget the alerts flushed as resolved, unless they were replaced since."""
        for alert in flushed:
            if alert.resolved_at(now) and self.alerts.get(alert.fingerprint) is alert:
                del self.alerts[alert.fingerprint]


def as_notified(alerts: list[Alert], now: datetime) -> list[Alert]:
    """Alertmanager's order; firing alerts are copied without their end (Go's zero time)."""
    copies = [a if a.resolved_at(now) else a.without_end() for a in alerts]
    copies.sort(key=lambda a: alert_sort_key(a.labels))
    return copies


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
    alerts: list[int] = field(default_factory=list)  # fingerprints in the flush
    inhibited: dict[str, str] = field(default_factory=dict)  # fingerprint -> by fingerprint
    silenced: dict[str, str] = field(default_factory=dict)  # fingerprint -> silence
    integrations: dict[str, str] = field(default_factory=dict)  # "webhook[0]" -> outcome

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["at"] = self.at.isoformat()
        data["alerts"] = [fingerprint_hex(fp) for fp in self.alerts]
        return data
