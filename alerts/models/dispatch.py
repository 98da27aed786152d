"""What the notification dispatcher keeps: its state, its decisions, and the alerts other
systems (a Prometheus server) post to ``/api/v2/alerts``."""

from __future__ import annotations

from django.db import models


class DispatcherState(models.Model):
    """The engine's whole state (alerts, aggregation groups, notification log) as JSON,
    one row; ``revision`` increments on every save so a process knows whether its
    in-memory dispatcher is still current."""

    revision = models.PositiveBigIntegerField(default=0)
    config_hash = models.CharField(max_length=64, blank=True)
    state = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"dispatcher state r{self.revision}"


class RoutingDecision(models.Model):
    """One flush of one aggregation group: which route, which alerts, what happened and
    which notifications went out (``FlushDecision`` of the engine)."""

    at = models.DateTimeField(db_index=True)
    group_key = models.TextField()
    receiver = models.CharField(max_length=200)
    route_path = models.CharField(max_length=500)
    outcome = models.CharField(max_length=16)  # notified, unchanged, inhibited, muted, …
    reason = models.TextField(blank=True)
    fingerprints = models.TextField(help_text="the group's alerts, ' '-separated (searchable)")
    details = models.JSONField(default=dict, help_text="inhibited, silenced, integrations")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.receiver} {self.outcome} at {self.at:%Y-%m-%d %H:%M:%S}"


class ReceivedAlert(models.Model):
    """An alert posted to ``/api/v2/alerts`` (by Prometheus or any client), as last sent."""

    fingerprint = models.CharField(max_length=16, unique=True)
    labels = models.JSONField(default=dict)
    annotations = models.JSONField(default=dict, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    generator_url = models.TextField(blank=True)
    updated_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.labels.get("alertname") or self.fingerprint
