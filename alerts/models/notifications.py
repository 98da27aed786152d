"""Notification channels, grouped outgoing notifications and every delivery attempt."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models


class NotificationChannel(models.Model):
    """Where notifications go: e-mail addresses, a generic webhook, a Slack webhook, or
    Hydra's own log."""

    class Kind(models.TextChoices):
        EMAIL = "email", "e-mail"
        WEBHOOK = "webhook", "webhook (JSON, HMAC-signed)"
        SLACK = "slack", "Slack incoming webhook"
        LOG = "log", "Hydra's log (demo, trying rules out)"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind)
    target = models.TextField(
        blank=True, help_text="comma-separated e-mail addresses, or the webhook URL (log: empty)"
    )
    secret = models.CharField(max_length=200, blank=True, help_text="webhook: HMAC-SHA256 key")
    group_wait_seconds = models.PositiveIntegerField(
        default=30, help_text="wait this long to group alerts of one rule into one message"
    )
    repeat_interval_seconds = models.PositiveIntegerField(
        default=4 * 3600, help_text="re-notify a still-firing alert this often"
    )
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"

    @property
    def addresses(self) -> list[str]:
        return [a.strip() for a in self.target.split(",") if a.strip()]

    def clean(self) -> None:
        if self.kind == self.Kind.EMAIL:
            if not self.addresses:
                raise ValidationError({"target": "Give at least one e-mail address."})
            for address in self.addresses:
                try:
                    validate_email(address)
                except ValidationError:
                    raise ValidationError(
                        {"target": f"{address!r} is not an e-mail address."}
                    ) from None
        elif self.kind != self.Kind.LOG:
            try:
                URLValidator(schemes=["http", "https"])(self.target.strip())
            except ValidationError:
                raise ValidationError({"target": "Give the webhook's http(s) URL."}) from None


class Notification(models.Model):
    """One message to one channel, grouping the alert changes of one rule.

    Created in the evaluation's transaction; sent after ``send_after`` by a task; failed
    attempts are retried with backoff (``next_attempt_at``), swept by a periodic task so
    retries happen in both modes.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        FAILED = "failed"

    channel = models.ForeignKey(
        NotificationChannel, null=True, blank=True, on_delete=models.CASCADE,
        help_text="a rule's channel; empty for a notification policy's receiver",
    )  # fmt: skip
    receiver = models.CharField(max_length=200, blank=True, help_text="policy receiver")
    integration = models.CharField(max_length=40, blank=True, help_text="e.g. webhook[0]")
    group_key = models.TextField(blank=True)
    payload = models.JSONField(
        null=True, blank=True, help_text="the group's Alertmanager data (webhook v4 body)"
    )
    rule = models.ForeignKey("alerts.AlertRule", null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=8, choices=Status, default=Status.PENDING)
    items = models.JSONField(default=list, help_text="the alert changes in this message")
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        if self.channel_id is None:
            count = len((self.payload or {}).get("alerts", []))
            return f"{self.receiver} {self.integration} × {count} ({self.status})"
        return f"{self.channel} × {len(self.items)} ({self.status})"


class NotificationAttempt(models.Model):
    """One delivery attempt and its outcome."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField(auto_now_add=True)
    ok = models.BooleanField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{'ok' if self.ok else 'failed'} at {self.at:%H:%M:%S}"
