"""Bulk writes of alert state: one rule's transitions, and a cycle's "still active" touches.

On PostgreSQL an update of many alerts is one ``UPDATE … FROM unnest(arrays)`` statement
(Django's ``bulk_update`` builds a CASE per row and field: seconds for thousands of
rows); elsewhere (SQLite, small installs) ``bulk_update``.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.db import connection

from alerts.models import Alert

SAVED_FIELDS = [
    "state", "value", "since", "pending_since", "last_active_at", "transitions", "flapping",
    "silenced", "rule_version", "summary", "last_notified",
]  # fmt: skip
_PG_TYPES = {
    "state": "text", "value": "float8", "since": "timestamptz", "pending_since": "timestamptz",
    "last_active_at": "timestamptz", "transitions": "jsonb", "flapping": "bool",
    "silenced": "bool", "rule_version": "int", "summary": "text", "last_notified": "jsonb",
}  # fmt: skip
_JSON = {"transitions", "last_notified"}


def alerts_save(alerts: list[Alert], fields: list[str] = SAVED_FIELDS) -> None:
    """Write ``fields`` of existing alerts in one statement (per 5,000 on SQLite)."""
    if not alerts:
        return
    if connection.vendor != "postgresql":
        Alert.objects.bulk_update(alerts, fields, batch_size=500)
        return
    columns = [_column(alerts, f) for f in fields]
    arrays = ", ".join(f"%s::{'text' if f in _JSON else _PG_TYPES[f]}[]" for f in fields)
    sets = ", ".join(f"{f} = v.{f}{'::jsonb' if f in _JSON else ''}" for f in fields)
    sql = (
        f"UPDATE alerts_alert AS a SET {sets}, updated_at = now() "
        f"FROM unnest(%s::bigint[], {arrays}) AS v(id, {', '.join(fields)}) WHERE a.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [[a.pk for a in alerts], *columns])


def _column(alerts: list[Alert], field: str) -> list:
    values = [getattr(a, field) for a in alerts]
    return [json.dumps(v) for v in values] if field in _JSON else values


def alerts_touch(rows: list[tuple[Alert, float | None, datetime | None]]) -> None:
    """Store the latest value and last-active time of alerts that did not move."""
    for alert, value, at in rows:
        alert.value, alert.last_active_at = value, at
    alerts_save([a for a, _, _ in rows], ["value", "last_active_at"])
