"""Time-series storage.

``Point`` is a narrow table keyed by ``(series, ts)`` with no surrogate id; ``ts`` is
microseconds since the Unix epoch (UTC) in a BIGINT, the same on PostgreSQL and SQLite,
so bucketing is integer arithmetic and binary COPY writes 8 bytes per timestamp. Rollups
at 1 minute and 1 hour keep count/sum/min/max per series and bucket. A compressed cold
tier can be added behind ``metrics.selectors`` later without changing the API.
"""

from __future__ import annotations

import hashlib
import json

from django.db import models

US = 1_000_000


def series_key(name: str, host: str, labels: dict[str, str]) -> str:
    """The identity of a series: a hash of name, host and the labels with sorted keys."""
    canonical = json.dumps([name, host, labels], sort_keys=True, separators=(",", ":"))
    return hashlib.md5(canonical.encode(), usedforsecurity=False).hexdigest()


class Series(models.Model):
    """One metric name on one host with one label set; keeps its latest value current."""

    name = models.CharField(max_length=200)
    host = models.CharField(max_length=200, blank=True, default="")
    labels = models.JSONField(default=dict, blank=True)
    key = models.UUIDField(unique=True, editable=False, help_text="md5 of name, host, labels")
    unit = models.CharField(max_length=32, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_ts = models.BigIntegerField(null=True, blank=True, help_text="µs since epoch")
    last_value = models.FloatField(null=True, blank=True)
    rollup_from = models.BigIntegerField(
        null=True, blank=True, editable=False, help_text="oldest point not yet rolled up (µs)"
    )
    rollup_seq = models.BigIntegerField(default=0, editable=False)
    watch = models.BooleanField(default=False, help_text="run anomaly detection on this series")

    class Meta:
        verbose_name_plural = "series"
        # few indexes: every ingested batch updates last_ts/last_value (HOT updates, see 0004)
        indexes = [models.Index(fields=["name", "host"]), models.Index(fields=["host"])]

    def __str__(self) -> str:
        labels = ",".join(f"{k}={v}" for k, v in sorted(self.labels.items()))
        where = f"@{self.host}" if self.host else ""
        return f"{self.name}{where}{{{labels}}}" if labels else f"{self.name}{where}"

    def save(self, *args, **kwargs) -> None:
        self.key = series_key(self.name, self.host, self.labels)
        super().save(*args, **kwargs)


class Point(models.Model):
    """A raw sample. Written in bulk by ``metrics.ingest.writer``, never one ORM object each."""

    pk = models.CompositePrimaryKey("series", "ts")
    series = models.ForeignKey(
        Series, on_delete=models.DO_NOTHING, db_index=False, db_constraint=False
    )
    ts = models.BigIntegerField(help_text="µs since epoch")
    value = models.FloatField()

    def __str__(self) -> str:
        return f"{self.series_id}@{self.ts}={self.value}"


class Rollup(models.Model):
    """count/sum/min/max of a series' points in one bucket (``bucket`` = start, µs)."""

    pk = models.CompositePrimaryKey("series", "bucket")
    series = models.ForeignKey(
        Series, on_delete=models.DO_NOTHING, db_index=False, db_constraint=False
    )
    bucket = models.BigIntegerField()
    count = models.IntegerField()
    sum = models.FloatField()
    min = models.FloatField()
    max = models.FloatField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.series_id}@{self.bucket} n={self.count}"


class Rollup1m(Rollup):
    WIDTH_US = 60 * US


class Rollup1h(Rollup):
    WIDTH_US = 3600 * US


class Dashboard(models.Model):
    """A saved dashboard: panels (query + chart type + size), variables, a default range.

    ``definition`` is the JSON document users export and import; it is validated by
    ``metrics.dashboards.validate_definition``.
    """

    title = models.CharField(max_length=200)
    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="dashboards")
    shared = models.BooleanField(default=True, help_text="visible to the whole team")
    definition = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title
