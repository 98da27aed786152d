"""Forecast configuration and stored forecasts.

A ``ForecastConfig`` applies to one series, or to every series matching a selector
(metric name + host glob). ``Forecast`` is one run for one series (ok or error) and its
``ForecastPoint`` rows hold the curve; ``ts`` is µs since the epoch, like ``Point.ts``.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from django.core.exceptions import ValidationError
from django.db import models

from forecasting.spec import AUTO, MODEL_NAMES, SEASONALITIES, ForecastSpec

US = 1_000_000
#: The outer band every forecast stores beside the interval at its configured level.
OUTER_LEVEL = 0.95


class ForecastConfig(models.Model):
    """How to forecast one series, or every series matching ``metric`` + ``host_pattern``.

    A config naming a series wins over selectors; among selectors the most specific host
    pattern wins (then the oldest config).
    """

    name = models.CharField(max_length=200, blank=True)
    series = models.ForeignKey(
        "metrics.Series", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    metric = models.CharField(max_length=200, blank=True, help_text="metric name (selector)")
    host_pattern = models.CharField(
        max_length=200, blank=True, default="*", help_text="glob, e.g. web-* (selector)"
    )
    enabled = models.BooleanField(default=True)
    horizon_seconds = models.PositiveIntegerField(
        default=AUTO, help_text="how far ahead; 0 = from the data (a quarter of it, ≤ 1 day)"
    )
    step_seconds = models.PositiveIntegerField(
        default=AUTO, help_text="resampling step; 0 = from the data's resolution and length"
    )
    history_seconds = models.PositiveIntegerField(default=14 * 86400)
    model = models.CharField(max_length=20, choices=[(m, m) for m in MODEL_NAMES], default="auto")
    seasonalities = models.CharField(
        max_length=20, choices=[(k, k) for k in SEASONALITIES], default="auto"
    )
    level = models.FloatField(default=0.8, help_text="central interval width (0.8 = 80%)")
    interval_seconds = models.PositiveIntegerField(default=3600, help_text="run every")
    next_run_at = models.DateTimeField(null=True, blank=True, help_text="empty = due now")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name or (
            str(self.series) if self.series_id else f"{self.metric}@{self.host_pattern}"
        )

    def clean(self) -> None:
        errors = self.spec().errors()
        if bool(self.series_id) == bool(self.metric):
            errors["metric"] = (
                "set either a series or a metric name (with a host pattern), not both"
            )
        if self.interval_seconds < 60:
            errors["interval_seconds"] = "run at most once a minute (60 seconds or more)"
        if errors:
            raise ValidationError(errors)

    def matches(self, name: str, host: str) -> bool:
        return name == self.metric and fnmatchcase(host, self.host_pattern or "*")

    def spec(self) -> ForecastSpec:
        return ForecastSpec(
            horizon_seconds=self.horizon_seconds,
            step_seconds=self.step_seconds,
            history_seconds=self.history_seconds,
            model=self.model,
            seasonalities=self.seasonalities,
            level=self.level,
        )


class Forecast(models.Model):
    """One forecast run of one series: queued, running, its curve's metadata (ok), or the
    error that stopped it."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        OK = "ok"
        ERROR = "error"

    series = models.ForeignKey("metrics.Series", on_delete=models.CASCADE, related_name="+")
    config = models.ForeignKey(ForecastConfig, null=True, blank=True, on_delete=models.SET_NULL)
    model = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    horizon_seconds = models.PositiveIntegerField()
    step_seconds = models.PositiveIntegerField()
    params = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(default=dict, blank=True, help_text="backtest sMAPE/MASE")
    reliable = models.BooleanField(default=True)
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OK)
    error = models.TextField(blank=True)
    duration_ms = models.FloatField(default=0.0)

    class Meta:
        indexes = [models.Index(fields=["series", "-created_at"])]
        permissions = [("run_forecast", "Can forecast a series now")]

    def __str__(self) -> str:
        return f"{self.series_id} {self.model or self.status} @ {self.created_at:%Y-%m-%d %H:%M}"

    def __iter__(self):
        """Iterating a forecast yields ``point_rows()`` (what alerts' forecast rules read)."""
        return iter(self.point_rows())

    @property
    def ok(self) -> bool:
        return self.status == self.Status.OK

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.OK, self.Status.ERROR)

    @property
    def message(self) -> str:
        """What a user reads about this run."""
        if self.status == self.Status.ERROR:
            return f"failed: {self.error}"
        if self.status == self.Status.OK:
            return f"{self.model}, in {self.duration_ms / 1000:.1f} s"
        return f"{self.status}…"

    def point_rows(self) -> list[tuple[float, float, float, float]]:
        """``[(epoch seconds, yhat, lower, upper), ...]`` in time order (uses a prefetch)."""
        return [(p.ts / US, p.yhat, p.yhat_lower, p.yhat_upper) for p in self.points.all()]

    def outer_rows(self) -> list[list[float]]:
        """``[[epoch s, lower 95 %, upper 95 %], ...]``: the 95 % band the page draws around
        the run's own (empty for runs made before bands were calibrated)."""
        return [
            [p.ts / US, p.yhat_lower_95, p.yhat_upper_95]
            for p in self.points.all()
            if p.yhat_lower_95 is not None and p.yhat_upper_95 is not None
        ]

    @property
    def levels(self) -> list[float]:
        """The bands' levels: the run's interval width, then 95 %."""
        return [float(self.params.get("level", 0.8)), OUTER_LEVEL]


class ForecastPoint(models.Model):
    """One forecast step: the point forecast, its interval at the run's level (80 % by
    default) and the 95 % band (null on runs made before bands were calibrated)."""

    forecast = models.ForeignKey(
        Forecast, on_delete=models.CASCADE, related_name="points", db_index=False
    )  # the unique (forecast, ts) index covers it
    ts = models.BigIntegerField(help_text="µs since epoch")
    yhat = models.FloatField()
    yhat_lower = models.FloatField()
    yhat_upper = models.FloatField()
    yhat_lower_95 = models.FloatField(null=True, blank=True, help_text="95 % band (calibrated)")
    yhat_upper_95 = models.FloatField(null=True, blank=True, help_text="95 % band (calibrated)")

    class Meta:
        ordering = ["forecast", "ts"]
        constraints = [
            models.UniqueConstraint(fields=["forecast", "ts"], name="forecast_point_unique_ts")
        ]

    def __str__(self) -> str:
        return f"{self.forecast_id}@{self.ts}={self.yhat}"
