"""Scrape targets: what Hydra pulls ``/metrics`` from, and how the last scrape went."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from prom.durations import format_ms
from prom.target_rules import (
    TargetError,
    check_auth,
    check_interval,
    check_job,
    check_labels,
    check_metric_relabel,
    check_timeout,
    check_url,
)


class ScrapeTarget(models.Model):
    """One URL scraped every ``interval_ms`` as job ``job`` (Prometheus's target). Secrets
    are never stored: ``password_env``/``bearer_env`` name environment variables.

    The scraper writes the state fields (health … last_error) after every scrape."""

    class Health(models.TextChoices):
        UNKNOWN = "unknown"
        UP = "up"
        DOWN = "down"

    job = models.CharField(max_length=200)
    url = models.CharField(max_length=2000, help_text="http(s)://host:port/metrics?params")
    interval_ms = models.PositiveIntegerField(default=15_000)
    timeout_ms = models.PositiveIntegerField(default=10_000)
    labels = models.JSONField(default=dict, blank=True, help_text="extra target labels")
    enabled = models.BooleanField(default=True)
    honor_labels = models.BooleanField(
        default=False, help_text="scraped labels win over target labels (Prometheus's option)"
    )
    honor_timestamps = models.BooleanField(default=True)
    metric_relabel_configs = models.JSONField(
        default=list,
        blank=True,
        help_text="Prometheus's metric_relabel_configs: rules applied to every scraped sample "
        "(keep, drop, replace, labeldrop, labelkeep)",
    )
    username = models.CharField(max_length=200, blank=True)
    password_env = models.CharField(max_length=120, blank=True, help_text="SCRAPE_… variable")
    bearer_env = models.CharField(max_length=120, blank=True, help_text="SCRAPE_… variable")
    source = models.CharField(max_length=300, blank=True, help_text="api, admin or a file")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    health = models.CharField(max_length=10, choices=Health.choices, default=Health.UNKNOWN)
    last_scrape = models.DateTimeField(null=True, blank=True)
    last_duration_s = models.FloatField(null=True, blank=True)
    last_samples = models.IntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ("job", "url")
        constraints = [
            models.UniqueConstraint(fields=("job", "url"), name="prom_scrapetarget_job_url")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.url}"

    @property
    def interval(self) -> str:
        return format_ms(self.interval_ms)

    @property
    def timeout(self) -> str:
        return format_ms(self.timeout_ms)

    def clean(self) -> None:
        try:
            check_job(self.job)
            check_url(self.url)
            self.labels = check_labels(self.labels)
            check_interval(format_ms(self.interval_ms), "interval_ms")
            check_timeout(format_ms(self.timeout_ms), self.interval_ms)
            check_auth(self.username, self.password_env, self.bearer_env)
            self.metric_relabel_configs = check_metric_relabel(self.metric_relabel_configs)
        except TargetError as exc:
            field = "timeout_ms" if exc.field == "timeout" else exc.field
            raise ValidationError({field: str(exc)}) from None
