"""The dispatcher's whole state as JSON-able data, for a caller that is not one process.

Hydra's periodic task can load the state, ``ingest`` and ``flush``, and save it again:
alerts (store and groups), every group's timer, the notification log and the clean-up
beat. ``restore`` rebuilds an identical dispatcher; when the configuration's routes
changed in between, it re-groups the alerts as Alertmanager's reload does
(``Dispatcher.reconfigure``), keeping the notification log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from alerts.routing.alert import Alert
from alerts.routing.config import Config
from alerts.routing.dispatcher import Dispatcher, Silencer
from alerts.routing.groups import AggregationGroup
from alerts.routing.nflog import NotificationLog

VERSION = 1


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def alert_state(alert: Alert) -> dict[str, Any]:
    return {
        "labels": alert.labels,
        "annotations": alert.annotations,
        "startsAt": _time(alert.starts_at),
        "endsAt": _time(alert.ends_at),
        "generatorURL": alert.generator_url,
        "updatedAt": _time(alert.updated_at),
        "timeout": alert.timeout,
    }


def alert_from_state(data: dict[str, Any]) -> Alert:
    return Alert(
        labels=data["labels"],
        starts_at=datetime.fromisoformat(data["startsAt"]),
        ends_at=_parse(data["endsAt"]),
        annotations=data["annotations"],
        generator_url=data["generatorURL"],
        updated_at=_parse(data["updatedAt"]),
        timeout=data["timeout"],
    )


def dump(dispatcher: Dispatcher, now: datetime) -> dict[str, Any]:
    """Everything ``restore`` needs, as plain data (alerts are listed once, by index)."""
    alerts: list[Alert] = list(dispatcher.alerts.values())
    index = {id(a): i for i, a in enumerate(alerts)}
    groups = []
    for group in (g for gs in dispatcher.groups.values() for g in gs.values()):
        for alert in group.alerts.values():
            if id(alert) not in index:  # dropped from the store, still in the group
                index[id(alert)] = len(alerts)
                alerts.append(alert)
        groups.append(_group_state(group, [index[id(a)] for a in group.alerts.values()]))
    return {
        "version": VERSION,
        "savedAt": now.isoformat(),
        "routes": [r.id for r in dispatcher.config.route.walk()],
        "alerts": [alert_state(a) for a in alerts],
        "stored": len(dispatcher.alerts),
        "groups": groups,
        "nflog": dispatcher.nflog.to_state(),
        "nextMaintenance": _time(dispatcher._next_maintenance),
    }


def _group_state(group: AggregationGroup, members: list[int]) -> dict[str, Any]:
    return {
        "route": group.route.id,
        "labels": group.labels,
        "createdAt": group.created_at.isoformat(),
        "nextFlush": group.next_flush.isoformat(),
        "hasFlushed": group.has_flushed,
        "alerts": members,
    }


def restore(
    config: Config, state: dict[str, Any], *, silencer: Silencer | None = None
) -> Dispatcher:
    """A dispatcher equal to the one dumped (re-grouped if the routes changed)."""
    if state.get("version") != VERSION:
        raise ValueError(f"unknown dispatcher state version {state.get('version')!r}")
    dispatcher = Dispatcher(
        config, silencer=silencer, nflog=NotificationLog.from_state(state["nflog"])
    )
    alerts = [alert_from_state(a) for a in state["alerts"]]
    for alert in alerts[: state["stored"]]:
        dispatcher.alerts[alert.fingerprint] = alert
        dispatcher.inhibitor.observe(alert)
    dispatcher._next_maintenance = _parse(state["nextMaintenance"])
    if state["routes"] != [r.id for r in config.route.walk()]:
        dispatcher.reconfigure(config, datetime.fromisoformat(state["savedAt"]))
        return dispatcher
    routes = {r.id: r for r in config.route.walk()}
    for data in state["groups"]:
        _restore_group(dispatcher, routes[data["route"]], data, alerts)
    return dispatcher


def _restore_group(dispatcher: Dispatcher, route, data: dict, alerts: list[Alert]) -> None:
    group = AggregationGroup(route, data["labels"], datetime.fromisoformat(data["createdAt"]))
    group.next_flush = datetime.fromisoformat(data["nextFlush"])
    group.has_flushed = data["hasFlushed"]
    for i in data["alerts"]:
        group.alerts[alerts[i].fingerprint] = alerts[i]
    dispatcher.groups.setdefault(route, {})[tuple(sorted(group.labels.items()))] = group
