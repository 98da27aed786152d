"""Alertmanager's webhook body (version "4") and the template data it is built from.

Existing webhook consumers (and Alertmanager-style templates) read exactly these keys:
receiver, status, alerts[], groupLabels, commonLabels, commonAnnotations, externalURL,
version, groupKey, truncatedAlerts.
"""

from __future__ import annotations

from collections.abc import Sequence

from alerts.routing.alert import Alert, format_time
from alerts.routing.groups import Notification

_QUOTE_META = str.maketrans({c: "\\" + c for c in "\\.+*?()|[]{}^$"})


def quote_meta(text: str) -> str:
    """Go's ``regexp.QuoteMeta``, which Alertmanager applies to the receiver name."""
    return text.translate(_QUOTE_META)


def alert_data(alert: Alert) -> dict:
    return {
        "status": "firing" if alert.ends_at is None else "resolved",
        "labels": dict(alert.labels),
        "annotations": dict(alert.annotations),
        "startsAt": format_time(alert.starts_at),
        "endsAt": format_time(alert.ends_at),
        "generatorURL": alert.generator_url,
        "fingerprint": alert.fingerprint_hex,
    }


def _common(maps: Sequence[dict[str, str]]) -> dict[str, str]:
    if not maps:
        return {}
    common = dict(maps[0])
    for other in maps[1:]:
        common = {k: v for k, v in common.items() if other.get(k) == v}
    return common


def template_data(notification: Notification, alerts: Sequence[Alert], external_url: str) -> dict:
    """Alertmanager's ``template.Data`` for ``alerts`` of a notification."""
    firing = any(a.ends_at is None for a in alerts)
    return {
        "receiver": quote_meta(notification.receiver),
        "status": "firing" if firing else "resolved",
        "alerts": [alert_data(a) for a in alerts],
        "groupLabels": dict(notification.group_labels),
        "commonLabels": _common([a.labels for a in alerts]),
        "commonAnnotations": _common([a.annotations for a in alerts]),
        "externalURL": external_url,
    }


def webhook_payload(notification: Notification, *, external_url: str = "") -> dict:
    """The JSON body Alertmanager POSTs; ``max_alerts`` of the webhook config truncates."""
    limit = int(notification.integration.config.get("max_alerts") or 0)
    alerts = notification.alerts
    truncated = max(len(alerts) - limit, 0) if limit else 0
    if truncated:
        alerts = alerts[:limit]
    return {
        **template_data(notification, alerts, external_url),
        "version": "4",
        "groupKey": notification.group_key,
        "truncatedAlerts": truncated,
    }
