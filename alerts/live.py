"""Push alert changes to the ``alerts`` topic after the commit (``core.live.publish``)."""

from __future__ import annotations

from django.core.cache import cache
from django.template.loader import render_to_string

from alerts.models import Alert
from alerts.payloads import AlertChanged, Envelope
from core.live import publish
from metrics.live import presence_key

ROW_TEMPLATE = "alerts/partials/_row.html"


def alert_payload(alert: Alert) -> AlertChanged:
    return AlertChanged(
        type="alert",
        id=alert.pk,
        rule_id=alert.rule_id,
        rule=alert.rule.name,
        series_id=alert.series_id,
        host=alert.series.host,
        metric=alert.series.name,
        state=alert.state,
        severity=alert.rule.severity,
        value=alert.value,
        since=alert.since.isoformat(),
        summary=alert.summary,
        acknowledged=alert.acknowledged,
        silenced=alert.silenced,
        flapping=alert.flapping,
        html=render_to_string(ROW_TEMPLATE, {"alert": alert, "live": True}),
    )


def publish_alerts(alerts: list[Alert]) -> None:
    """One message per changed alert, sent after the commit; nothing when nobody listens."""
    if not alerts or cache.get(presence_key("alerts")) is None:
        return
    publish(("alerts", Envelope(type="alert.changed", payload=alert_payload(a))) for a in alerts)
