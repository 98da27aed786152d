"""The dispatcher's state in the database, compact: what Alertmanager persists (the
notification log) plus each aggregation group's timer and members, but not the alerts
themselves. They are already stored: Hydra's in ``Alert`` rows, posted ones in
``ReceivedAlert`` rows, so a restore rebuilds the alert store from those and puts each
group back with its timer. Saving is then independent of the number of alerts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
from django.conf import settings
from django.db import connection
from django.db.models import Q

from alerts.models import Alert, ReceivedAlert
from alerts.routing import Alert as EngineAlert
from alerts.routing import Config, Dispatcher, NotificationLog
from alerts.routing.groups import AggregationGroup

VERSION = 2
EVAL_INTERVAL = timedelta(seconds=15)
RESOLVED_RESEND = timedelta(minutes=15)  # resolved Hydra alerts are re-sent this long
RETENTION = timedelta(minutes=30)  # resolved alerts stay in the engine's store this long


def state_dump(dispatcher: Dispatcher, now: datetime) -> dict:
    groups = [
        {
            "route": g.route.id,
            "labels": g.labels,
            "createdAt": g.created_at.isoformat(),
            "nextFlush": g.next_flush.isoformat(),
            "hasFlushed": g.has_flushed,
            "alerts": list(g.alerts),
        }  # fmt: skip
        for gs in dispatcher.groups.values()
        for g in gs.values()
    ]
    nxt = dispatcher._next_maintenance
    return {
        "version": VERSION,
        "savedAt": now.isoformat(),
        "routes": [r.id for r in dispatcher.config.route.walk()],
        "groups": groups,
        "nflog": dispatcher.nflog.to_state(),
        "nextMaintenance": nxt.isoformat() if nxt else None,
    }


def state_restore(config: Config, state: dict, now: datetime) -> Dispatcher:
    """A dispatcher with the saved log and groups, its alerts read from the database."""
    nflog = NotificationLog.from_state(state["nflog"]) if state.get("version") == VERSION else None
    dispatcher = Dispatcher(config, nflog=nflog)
    alerts = {a.fingerprint: a for a in [*received_alerts(now), *hydra_alerts(now)]}
    for alert in alerts.values():
        dispatcher.alerts[alert.fingerprint] = alert
        dispatcher.inhibitor.observe(alert)
    if state.get("version") != VERSION:
        dispatcher.reconfigure(config, now)
        return dispatcher
    if state.get("nextMaintenance"):
        dispatcher._next_maintenance = datetime.fromisoformat(state["nextMaintenance"])
    if state["routes"] != [r.id for r in config.route.walk()]:
        dispatcher.reconfigure(config, now)  # the tree changed: regroup, as a reload does
        return dispatcher
    routes = {r.id: r for r in config.route.walk()}
    for data in state["groups"]:
        group = AggregationGroup(routes[data["route"]], data["labels"], _t(data["createdAt"]))
        group.next_flush, group.has_flushed = _t(data["nextFlush"]), data["hasFlushed"]
        for fp in data["alerts"]:
            if fp in alerts:
                group.alerts[fp] = alerts[fp]
        key = tuple(sorted(group.labels.items()))
        dispatcher.groups.setdefault(group.route, {})[key] = group
    for alert in alerts.values():  # alerts that arrived after the save join their groups
        dispatcher._dispatch(alert, now)
    return dispatcher


def _t(value: str) -> datetime:
    return datetime.fromisoformat(value)


def hydra_alerts(now: datetime) -> list[EngineAlert]:
    """Hydra's firing alerts (ending 4 evaluations ahead, as Prometheus sends them) and
    those resolved recently (ending when they resolved). One raw query: this runs for
    every alert at every evaluation."""
    firing = Alert.State.FIRING
    sql = (
        f"SELECT id, state, since, labels, annotations FROM {Alert._meta.db_table} "
        "WHERE state = %s OR (state = %s AND since >= %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [firing, Alert.State.RESOLVED, now - RESOLVED_RESEND])
        rows = cursor.fetchall()
    ends, base = now + 4 * EVAL_INTERVAL, settings.HYDRA_EXTERNAL_URL.rstrip("/")
    out = []
    for pk, state, since, labels, notes in rows:
        labels = _json(labels)
        if not labels:
            continue  # from before labels existed: labelled at its next transition
        if isinstance(since, str):  # SQLite
            since = datetime.fromisoformat(since)
        if since.tzinfo is None:  # SQLite stores UTC without an offset
            since = since.replace(tzinfo=UTC)
        out.append(
            EngineAlert(
                labels=labels,
                starts_at=since,
                ends_at=ends if state == firing else since,
                annotations=_json(notes),
                generator_url=f"{base}/alerts/{pk}/",
                updated_at=now,
            )  # fmt: skip
        )
    return out


def _json(value: object) -> dict:
    loaded = orjson.loads(value) if isinstance(value, str | bytes) else value
    return loaded if isinstance(loaded, dict) else {}


def received_alerts(now: datetime) -> list[EngineAlert]:
    """The posted alerts still in the engine's retention."""
    rows = ReceivedAlert.objects.filter(Q(ends_at__isnull=True) | Q(ends_at__gte=now - RETENTION))
    return [
        EngineAlert(
            labels=r.labels,
            starts_at=r.starts_at,
            ends_at=r.ends_at,
            annotations=r.annotations,
            generator_url=r.generator_url,
            updated_at=r.updated_at,
        )  # fmt: skip
        for r in rows
    ]
