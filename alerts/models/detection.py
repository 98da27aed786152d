"""Anomaly detection state per series and the anomalies found."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.urls import reverse

US = 1_000_000
EXPLORE_AROUND_S = 1800


class DetectorState(models.Model):
    """A series' detector, saved after each cycle so the next one scores only new points."""

    series = models.ForeignKey("metrics.Series", on_delete=models.CASCADE, related_name="+")
    detector = models.CharField(max_length=50)
    state = models.JSONField(default=dict)
    last_ts = models.BigIntegerField(null=True, blank=True, help_text="last scored point (µs)")
    sensitivity = models.FloatField(default=0.5, help_text="after 'not an anomaly' feedback")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "detector"], name="detector_state_unique")
        ]

    def __str__(self) -> str:
        return f"{self.detector} on {self.series_id}"


class Anomaly(models.Model):
    """A point the detector flagged, with the value it expected and its band.

    ``dismissed`` is the "not an anomaly" feedback: each dismissed anomaly lowers its
    series' sensitivity by one step; un-dismissing restores it.
    """

    series = models.ForeignKey("metrics.Series", on_delete=models.CASCADE, related_name="+")
    ts = models.BigIntegerField(help_text="µs since epoch")
    detector = models.CharField(max_length=50)
    value = models.FloatField()
    score = models.FloatField()
    expected = models.FloatField(null=True, blank=True)
    lower = models.FloatField(null=True, blank=True)
    upper = models.FloatField(null=True, blank=True)
    dismissed = models.BooleanField(default=False)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "ts", "detector"], name="anomaly_unique")
        ]
        ordering = ["-ts"]
        verbose_name_plural = "anomalies"

    def __str__(self) -> str:
        return f"{self.series_id}@{self.ts} score={self.score:.2f}"

    @property
    def at(self) -> datetime:
        return datetime.fromtimestamp(self.ts / US, tz=UTC)

    def explore_url(self, around_s: int = EXPLORE_AROUND_S) -> str:
        """The explore page on this series, ``around_s`` either side of the anomaly."""
        t = self.ts // US
        params = {"name": self.series.name, "host": self.series.host}
        params |= {f"label.{k}": str(v) for k, v in self.series.labels.items()}
        params |= {"start": str(t - around_s), "end": str(t + around_s)}
        return f"{reverse('explore')}?{urlencode(params)}"
