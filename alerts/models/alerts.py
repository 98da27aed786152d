"""``Alert`` (one per rule and series) and ``AlertEvent`` (every transition, auditable)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from alerts import lifecycle


class Alert(models.Model):
    """The lifecycle of one rule on one series. All of its state lives here (restart-safe)."""

    class State(models.TextChoices):
        PENDING = lifecycle.PENDING
        FIRING = lifecycle.FIRING
        RESOLVED = lifecycle.RESOLVED

    rule = models.ForeignKey("alerts.AlertRule", on_delete=models.CASCADE, related_name="alerts")
    series = models.ForeignKey("metrics.Series", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State, db_index=True)
    value = models.FloatField(null=True, blank=True)
    since = models.DateTimeField(help_text="when the current state was entered")
    pending_since = models.DateTimeField(null=True, blank=True)
    last_active_at = models.DateTimeField(null=True, blank=True)
    transitions = models.JSONField(default=list, blank=True, help_text="recent (epoch s)")
    flapping = models.BooleanField(default=False)
    silenced = models.BooleanField(default=False, help_text="at the last transition")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule_version = models.PositiveIntegerField(default=1)
    summary = models.CharField(max_length=500, blank=True)
    labels = models.JSONField(
        default=dict, blank=True, help_text="series labels, host, metric, alertname, rule "
        "labels, severity and load_test: what silences, routes and inhibition match",
    )  # fmt: skip
    annotations = models.JSONField(default=dict, blank=True, help_text="summary, description…")
    fingerprint = models.CharField(
        max_length=16, blank=True, db_index=True, help_text="Alertmanager's, of the labels"
    )
    load_test = models.ForeignKey(
        "scenarios.ScenarioRun", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="the load test running when this alert last started firing",
    )  # fmt: skip
    last_notified = models.JSONField(
        default=dict, blank=True, help_text="channel id -> epoch s of the last notification"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "series"], name="alert_one_per_rule_series")
        ]
        ordering = ["-since"]
        permissions = [("acknowledge_alert", "Can acknowledge alerts")]

    def __str__(self) -> str:
        return f"{self.rule} / {self.series}: {self.state}"

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class AlertEvent(models.Model):
    """One transition (or flapping start/end, or acknowledgement) of an alert."""

    class Kind(models.TextChoices):
        TRANSITION = lifecycle.TRANSITION
        FLAPPING = lifecycle.FLAPPING
        FLAPPING_END = lifecycle.FLAPPING_END
        ACKNOWLEDGED = "acknowledged"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.TRANSITION)
    from_state = models.CharField(max_length=10)
    to_state = models.CharField(max_length=10)
    value = models.FloatField(null=True, blank=True)
    at = models.DateTimeField(db_index=True)
    rule_version = models.PositiveIntegerField()
    silenced = models.BooleanField(default=False)
    notified = models.BooleanField(default=False)
    load_test = models.ForeignKey(
        "scenarios.ScenarioRun", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="a load test was running (or just ended) at this event",
    )  # fmt: skip

    # what the admin's history table and the API show of an event, in this order
    SHOWN_FIELDS = (
        "kind", "from_state", "to_state", "value", "at", "rule_version", "silenced",
        "notified", "load_test",
    )  # fmt: skip

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return (
            f"{self.alert_id}: {self.from_state} → {self.to_state} at {self.at:%Y-%m-%d %H:%M:%S}"
        )
