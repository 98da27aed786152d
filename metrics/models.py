"""Time-series storage.

``Point`` is a narrow table keyed by ``(series, ts)`` with no surrogate id; ``ts`` is
microseconds since the Unix epoch (UTC) in a BIGINT, the same on PostgreSQL and SQLite,
so bucketing is integer arithmetic and binary COPY writes 8 bytes per timestamp. Rollups
at 1 minute and 1 hour keep count/sum/min/max per series and bucket. A compressed cold
tier (``Chunk``) holds what is older than the hot window, read with the points through
``metrics.selectors.raw_points`` and the bucketed queries.
"""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import GreaterThan

US = 1_000_000


def series_key(name: str, host: str, labels: dict[str, str]) -> str:
    """The identity of a series: a hash of name, host and the labels with sorted keys."""
    canonical = json.dumps([name, host, labels], sort_keys=True, separators=(",", ":"))
    return hashlib.md5(canonical.encode(), usedforsecurity=False).hexdigest()


class SeriesQuerySet(models.QuerySet):
    def with_latest(self, *, value: bool = True) -> SeriesQuerySet:
        """Annotate ``last_ts`` (and ``last_value``): the newest point, read backwards from
        the points' primary key (one index probe per series, no scan), or from the newest
        chunk when it is newer (a series silent for longer than the hot window). Ingestion
        does not update series rows, so concurrent batches never queue on them."""
        raw, chunk = _newest_point(), _newest_chunk()
        chunk_newer = _chunk_newer(raw, chunk)
        qs = self.annotate(
            last_ts=models.Case(
                models.When(chunk_newer, then=models.Subquery(chunk.values("last_ts")[:1])),
                default=models.Subquery(raw.values("ts")[:1]),
            )
        )
        if value:
            qs = qs.annotate(
                last_value=models.Case(
                    models.When(chunk_newer, then=models.Subquery(chunk.values("last")[:1])),
                    default=models.Subquery(raw.values("value")[:1]),
                )
            )
        return qs

    def with_latest_pair(self) -> SeriesQuerySet:
        """Annotate ``last_pair``, ``[ts, value]`` of the newest point, with ONE index probe
        per series on PostgreSQL (an array; ts as float, exact below 2**53 µs) when it is in
        the hot table. Elsewhere it is ``with_latest`` (``last_ts``, ``last_value``): see
        ``latest_columns``."""
        if connections[self.db].vendor != "postgresql":
            return self.with_latest()
        raw, chunk = _newest_point(), _newest_chunk()
        return self.annotate(
            last_pair=models.Case(
                models.When(
                    _chunk_newer(raw, chunk),
                    then=models.Subquery(
                        chunk.annotate(p=_pair("last_ts", "last")).values("p")[:1]
                    ),
                ),
                default=models.Subquery(raw.annotate(p=_pair("ts", "value")).values("p")[:1]),
                output_field=models.Field(),
            )
        )

    def latest_columns(self) -> tuple[str, ...]:
        """The columns ``with_latest_pair`` added, for ``values_list``."""
        if connections[self.db].vendor == "postgresql":
            return ("last_pair",)
        return ("last_ts", "last_value")


class SeriesType(models.TextChoices):
    """Prometheus's metric types (OpenMetrics' info and stateset count as gauges)."""

    COUNTER = "counter"
    GAUGE = "gauge"
    HISTOGRAM = "histogram"
    SUMMARY = "summary"
    UNKNOWN = "unknown"


class Series(models.Model):
    """One metric name on one host with one label set (its latest point: ``with_latest``).

    Its Prometheus label set is ``labels`` plus ``__name__`` (the name) plus ``host`` when
    ``host`` is set and was not derived from the ``instance`` label: for series sent with an
    ``instance`` and no ``host`` label (remote write, OTLP), ``host`` is that instance
    without its port, for the Hosts pages only, and ``host_from_instance`` is set; such a
    series is identified (``key``) as if ``host`` were empty.
    """

    name = models.CharField(max_length=200)
    host = models.CharField(max_length=200, blank=True, default="")
    labels = models.JSONField(default=dict, blank=True)
    key = models.UUIDField(unique=True, editable=False, help_text="md5 of name, host, labels")
    type = models.CharField(
        max_length=16,
        choices=SeriesType.choices,
        default=SeriesType.UNKNOWN,
        db_default=SeriesType.UNKNOWN,
    )
    unit = models.CharField(max_length=32, blank=True)
    help = models.TextField(blank=True, help_text="what the metric measures (Prometheus HELP)")
    host_from_instance = models.BooleanField(
        default=False,
        db_default=False,
        editable=False,
        help_text="host is the instance label's host, not a label of its own",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    watch = models.BooleanField(default=False, help_text="run anomaly detection on this series")

    objects = SeriesQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "series"
        indexes = [models.Index(fields=["name", "host"]), models.Index(fields=["host"])]

    def __str__(self) -> str:
        labels = ",".join(f"{k}={v}" for k, v in sorted(self.labels.items()))
        where = f"@{self.host}" if self.host else ""
        return f"{self.name}{where}{{{labels}}}" if labels else f"{self.name}{where}"

    def save(self, *args, **kwargs) -> None:
        self.key = series_key(self.name, self.identity_host, self.labels)
        super().save(*args, **kwargs)

    @property
    def identity_host(self) -> str:
        """The host that is part of the series' identity (and of its label set)."""
        return "" if self.host_from_instance else self.host

    @property
    def prometheus_labels(self) -> dict[str, str]:
        """The label set PromQL sees: ``__name__``, the labels, and a real ``host``."""
        out = {"__name__": self.name, **self.labels}
        if self.identity_host:
            out["host"] = self.identity_host
        return out


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


class StaleMark(models.Model):
    """A Prometheus staleness marker: the series stopped at ``ts`` (µs). Kept apart from the
    points so Hydra's aggregates never see the special NaN; written in the same transaction
    as the batch's points; PromQL merges them back (``metrics.selectors.stale_marks``)."""

    pk = models.CompositePrimaryKey("series", "ts")
    series = models.ForeignKey(
        Series, on_delete=models.DO_NOTHING, db_index=False, db_constraint=False
    )
    ts = models.BigIntegerField(help_text="µs since epoch")

    def __str__(self) -> str:
        return f"{self.series_id}@{self.ts} stale"


class Chunk(models.Model):
    """The compressed tier: one series' points in one aligned 6-hour window (``start``, µs),
    pcodec-compressed (``metrics.chunks.codec``), with the statistics coarse queries use
    without decompressing. Written by ``compact_points``; raw points at the same timestamps
    override a chunk's until the next compaction merges them."""

    pk = models.CompositePrimaryKey("series", "start")
    series = models.ForeignKey(
        Series, on_delete=models.DO_NOTHING, db_index=False, db_constraint=False
    )
    start = models.BigIntegerField(help_text="window start, µs since epoch")
    count = models.IntegerField()
    first_ts = models.BigIntegerField()
    last_ts = models.BigIntegerField()
    min = models.FloatField(null=True)
    max = models.FloatField(null=True)
    sum = models.FloatField(null=True)
    last = models.FloatField(null=True)
    ts_data = models.BinaryField()
    value_data = models.BinaryField()

    def __str__(self) -> str:
        return f"{self.series_id}@{self.start} n={self.count}"


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


class RollupPending(models.Model):
    """Points written since the last rollup run: one row per ingested batch, its time range
    and its series (``series``: the ids as little-endian int64). The rollup job recomputes
    those buckets and deletes the rows; queries read raw points from the oldest ``min_ts``
    on. Appending a row costs a batch one small insert, not an update of each series."""

    min_ts = models.BigIntegerField(help_text="oldest point of the batch (µs)")
    max_ts = models.BigIntegerField(help_text="newest point of the batch (µs)")
    series = models.BinaryField()

    class Meta:
        indexes = [models.Index(fields=["min_ts"])]

    def __str__(self) -> str:
        return f"{len(self.series) // 8} series from {self.min_ts}"


class RetentionTier(models.TextChoices):
    RAW = "raw", "raw points (hot table and compressed chunks)"
    ROLLUP_1M = "rollup1m", "1-minute rollups"
    ROLLUP_1H = "rollup1h", "1-hour rollups"


class RetentionPolicy(models.Model):
    """How long one tier keeps the series whose metric name matches ``pattern`` (shell-style,
    ``fnmatch``: ``*``, ``?``, ``[abc]``; case-sensitive). For each series and tier the
    policy with the lowest ``order`` that matches wins; without one the tier's setting
    (``HYDRA_RETENTION_*``) applies."""

    tier = models.CharField(max_length=16, choices=RetentionTier.choices)
    pattern = models.CharField(max_length=200, help_text="metric name pattern, e.g. cpu.*")
    keep = models.DurationField(help_text="age past which the data is deleted")
    order = models.PositiveIntegerField(default=100, help_text="lower wins")

    class Meta:
        ordering = ("tier", "order", "id")
        verbose_name_plural = "retention policies"

    def __str__(self) -> str:
        return f"{self.tier} {self.pattern}: {self.keep}"

    def clean(self) -> None:
        errors = {}
        if not self.pattern.strip() or any(ord(c) < 32 or ord(c) == 127 for c in self.pattern):
            errors["pattern"] = "a metric name pattern without control characters"
        if self.keep is not None and self.keep.total_seconds() < 3600:
            errors["keep"] = "keep data at least one hour"
        if errors:
            raise ValidationError(errors)


def _newest_point() -> models.QuerySet:
    return Point.objects.filter(series=models.OuterRef("pk")).order_by("-ts")


def _newest_chunk() -> models.QuerySet:
    return Chunk.objects.filter(series=models.OuterRef("pk")).order_by("-start")


def _chunk_newer(raw: models.QuerySet, chunk: models.QuerySet) -> models.Q:
    """The newest chunk ends after the hot table's newest point (or there is none)."""
    newest_raw = Coalesce(models.Subquery(raw.values("ts")[:1]), models.Value(-(2**62)))
    return models.Q(GreaterThan(models.Subquery(chunk.values("last_ts")[:1]), newest_raw))


def _pair(ts: str, value: str) -> models.Func:
    return models.Func(
        Cast(ts, models.FloatField()),
        value,
        template="ARRAY[%(expressions)s]",
        output_field=models.Field(),
    )
