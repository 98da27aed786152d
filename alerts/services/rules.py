"""Writes of rules, silences and acknowledgements (the admin and the API share them)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from alerts.live import publish_alerts
from alerts.models import Alert, AlertEvent, AlertRule, NotificationChannel, Silence


def rule_save(*, rule: AlertRule, channels: list[NotificationChannel] | None = None) -> AlertRule:
    """Create or edit a rule; an edit bumps its version (recorded on later transitions)."""
    with transaction.atomic():
        if rule.pk is not None:
            rule.version = F("version") + 1  # type: ignore[assignment]
        rule.save()
        rule.refresh_from_db(fields=["version"])
        if channels is not None:
            rule.channels.set(channels)
    return rule


def rule_from_data(*, data: dict[str, Any], rule: AlertRule | None = None) -> AlertRule:
    """Apply validated field values (not yet saved)."""
    rule = rule or AlertRule()
    for field, value in data.items():
        if field != "channels":
            setattr(rule, field, value)
    return rule


def alert_acknowledge(*, alert: Alert, user) -> Alert:
    """Set the acknowledged flag (idempotent: a second call keeps the first one's record)."""
    with transaction.atomic():
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by = timezone.now(), user
            alert.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
            AlertEvent.objects.create(
                alert=alert,
                kind=AlertEvent.Kind.ACKNOWLEDGED,
                from_state=alert.state,
                to_state=alert.state,
                value=alert.value,
                at=alert.acknowledged_at,
                rule_version=alert.rule.version,
            )
            publish_alerts([alert])
    return alert


def silence_save(*, silence: Silence, user=None) -> Silence:
    if silence.pk is None and user is not None and user.is_authenticated:
        silence.created_by = user
    silence.save()
    return silence
