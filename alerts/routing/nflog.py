"""The notification log: what each receiver integration was last told about each group.

Alertmanager's ``DedupStage`` decides from it whether a flush must notify: new firing
alerts, newly resolved ones (when the integration sends resolved), the last firing alert
gone, or ``repeat_interval`` passed since the last notification.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

LogKey = tuple[str, str, str, int]  # group key, receiver, integration kind, index


@dataclass(frozen=True)
class LogEntry:
    firing: frozenset[int]  # fingerprints
    resolved: frozenset[int]
    at: datetime

    def to_state(self) -> dict:
        return {
            "firing": sorted(self.firing),
            "resolved": sorted(self.resolved),
            "at": self.at.isoformat(),
        }

    @classmethod
    def from_state(cls, state: dict) -> LogEntry:
        at = datetime.fromisoformat(state["at"])
        return cls(frozenset(state["firing"]), frozenset(state["resolved"]), at)


def needs_update(
    entry: LogEntry | None,
    firing: frozenset[int],
    resolved: frozenset[int],
    *,
    repeat_interval: timedelta,
    send_resolved: bool,
    now: datetime,
) -> bool:
    """``DedupStage.needsUpdate`` of Alertmanager 0.25."""
    if entry is None:
        return bool(firing)
    if not firing <= entry.firing:
        return True
    if not firing:
        return bool(entry.firing)  # tell that everything resolved (even without send_resolved)
    if send_resolved and not resolved <= entry.resolved:
        return True
    return entry.at < now - repeat_interval


class NotificationLog:
    """Entries by (group key, receiver, integration); JSON-able state for restarts."""

    def __init__(self) -> None:
        self.entries: dict[LogKey, LogEntry] = {}

    def get(self, key: LogKey) -> LogEntry | None:
        return self.entries.get(key)

    def log(self, key: LogKey, entry: LogEntry) -> None:
        self.entries[key] = entry

    def gc(self, now: datetime, retention: timedelta) -> None:
        """Drop entries older than ``retention`` (Alertmanager keeps 120 h by default)."""
        self.entries = {k: e for k, e in self.entries.items() if e.at >= now - retention}

    def to_state(self) -> list:
        return [[list(key), entry.to_state()] for key, entry in self.entries.items()]

    @classmethod
    def from_state(cls, state: list) -> NotificationLog:
        log = cls()
        for key, entry in state:
            log.entries[(key[0], key[1], key[2], int(key[3]))] = LogEntry.from_state(entry)
        return log
