"""Bulk writes of alert state: a cycle's new alerts, transitions, events and "still
active" touches.

On PostgreSQL they are one ``INSERT … SELECT FROM unnest(arrays)`` or ``UPDATE … FROM
unnest(arrays)`` statement each, fed plain Python values (Django's ``bulk_update`` builds
a CASE per row and field, and ``bulk_create`` prepares every value through its field:
seconds for thousands of rows); elsewhere (SQLite, small installs) the ORM's bulk calls.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.db import connection, models
from django.utils import timezone

from alerts.models import Alert, AlertEvent

SAVED_FIELDS = [
    "state", "value", "since", "pending_since", "last_active_at", "transitions", "flapping",
    "silenced", "rule_version", "summary", "last_notified", "load_test_id", "labels",
    "annotations", "fingerprint",
]  # fmt: skip
CREATED_FIELDS = ["rule", "series", *SAVED_FIELDS, "updated_at"]
EVENT_FIELDS = [
    "alert", "kind", "from_state", "to_state", "value", "at", "rule_version", "silenced",
    "notified", "load_test_id",
]  # fmt: skip


def alerts_create(alerts: list[Alert]) -> None:
    """Insert new alerts; their ids are set on the objects."""
    now = timezone.now()
    for alert in alerts:
        alert.updated_at = alert.updated_at or now
    bulk_insert(Alert, alerts, CREATED_FIELDS)


def events_create(events: list[AlertEvent]) -> None:
    bulk_insert(AlertEvent, events, EVENT_FIELDS)


def bulk_insert(model: type[models.Model], objs: list, fields: list[str]) -> None:
    """Insert ``objs`` (only ``fields``; the rest take their database defaults) and set
    their primary keys. PostgreSQL: one statement; elsewhere ``bulk_create``."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=500)
        return
    meta_fields = [_field(model, name) for name in fields]
    columns = [str(f.column) for f in meta_fields]
    arrays = ", ".join(f"%s::{_array_type(f)}[]" for f in meta_fields)
    select = ", ".join(
        f"v.{c}::jsonb" if isinstance(f, models.JSONField) else f"v.{c}"
        for f, c in zip(meta_fields, columns, strict=True)
    )
    sql = (
        f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) SELECT {select} '
        f"FROM unnest({arrays}) AS v({', '.join(columns)}) RETURNING id"
    )
    values = [_values(objs, f) for f in meta_fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk, obj._state.adding, obj._state.db = pk, False, connection.alias


def _field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), name
    return field


def _array_type(field: models.Field) -> str:
    """The element type of the array a column is sent as (JSON goes as text, then cast)."""
    if isinstance(field, models.JSONField):
        return "text"
    return str(field.db_type(connection)).split("(")[0]


def _values(objs: list, field: models.Field) -> list:
    values = [getattr(obj, field.attname) for obj in objs]
    return [json.dumps(v) for v in values] if isinstance(field, models.JSONField) else values


_PG_TYPES = {
    "state": "text", "value": "float8", "since": "timestamptz", "pending_since": "timestamptz",
    "last_active_at": "timestamptz", "transitions": "jsonb", "flapping": "bool",
    "silenced": "bool", "rule_version": "int", "summary": "text", "last_notified": "jsonb",
    "load_test_id": "bigint", "fingerprint": "text",
}  # fmt: skip
_JSON = {"transitions", "last_notified", "labels", "annotations"}


def alerts_save(alerts: list[Alert], fields: list[str] = SAVED_FIELDS) -> None:
    """Write ``fields`` of existing alerts in one statement (per 500 on SQLite)."""
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
