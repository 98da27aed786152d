"""Shapes of the live messages the alerts app publishes (sent through ``core.live``)."""

from __future__ import annotations

from typing import TypedDict


class AlertChanged(TypedDict):
    """An alert changed state (``alerts`` topic). ``html`` is ``alerts/partials/_row.html``:
    a ``<tr id="alert-<id>" hx-swap-oob="true">`` a page can swap in as is."""

    type: str  # "alert"
    id: int
    rule_id: int
    rule: str
    series_id: int
    host: str
    metric: str
    state: str  # pending | firing | resolved
    severity: str
    value: float | None
    since: str  # RFC 3339
    summary: str
    acknowledged: bool
    silenced: bool
    flapping: bool
    html: str


class Envelope(TypedDict):
    type: str  # the consumer handler: "alert.changed"
    payload: AlertChanged
