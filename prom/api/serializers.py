"""The scrape-target API's shape: durations as Prometheus strings (``"15s"``)."""

from __future__ import annotations

from rest_framework import serializers

from prom.durations import format_ms
from prom.models import ScrapeTarget
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

DEFAULT_TIMEOUT_MS = 10_000


class ScrapeTargetSerializer(serializers.ModelSerializer):
    """``{"job", "url", "interval": "15s", "timeout": "10s", "labels": {}, "enabled"}`` plus
    optional auth (``username`` + ``password_env``, or ``bearer_env``: names of ``SCRAPE_…``
    environment variables) and the read-only state of the last scrape."""

    interval = serializers.CharField(required=False, max_length=40, help_text="e.g. 15s, 1m")
    timeout = serializers.CharField(
        required=False, max_length=40, help_text="at most the interval; default min(10s, interval)"
    )
    labels = serializers.JSONField(required=False)
    metric_relabel_configs = serializers.JSONField(
        required=False, help_text="Prometheus's metric_relabel_configs (a list of rules)"
    )

    class Meta:
        model = ScrapeTarget
        fields = [
            "id", "job", "url", "interval", "timeout", "labels", "enabled", "honor_labels",
            "honor_timestamps", "metric_relabel_configs", "username", "password_env",
            "bearer_env", "source",
            "health", "last_scrape", "last_duration_s", "last_samples", "last_error",
        ]  # fmt: skip
        read_only_fields = [
            "source", "health", "last_scrape", "last_duration_s", "last_samples", "last_error",
        ]  # fmt: skip
        # (job, url) is unique: checked in validate() with a clear message
        validators: list = []

    def to_representation(self, instance: ScrapeTarget) -> dict:
        data = super().to_representation(instance)
        data["interval"] = format_ms(instance.interval_ms)
        data["timeout"] = format_ms(instance.timeout_ms)
        return data

    def validate(self, attrs: dict) -> dict:
        current = self.instance
        try:
            out = self._checked(attrs, current)
        except TargetError as exc:
            raise serializers.ValidationError({exc.field: [str(exc)]}) from None
        clash = ScrapeTarget.objects.filter(job=out["job"], url=out["url"])
        if current is not None:
            clash = clash.exclude(pk=current.pk)
        if clash.exists():
            raise serializers.ValidationError(
                {"url": ["a target with this job and url exists already"]}
            )
        return out

    def _checked(self, attrs: dict, current: ScrapeTarget | None) -> dict:
        def pick(name: str, default):
            return attrs[name] if name in attrs else getattr(current, name, default)

        out = dict(attrs)
        out["job"] = check_job(pick("job", None))
        out["url"] = check_url(pick("url", None))
        out["labels"] = check_labels(pick("labels", {}))
        out["metric_relabel_configs"] = check_metric_relabel(pick("metric_relabel_configs", []))
        interval_ms = (
            check_interval(attrs["interval"])
            if "interval" in attrs
            else (current.interval_ms if current else 15_000)
        )
        if "timeout" in attrs:
            timeout_ms = check_timeout(attrs["timeout"], interval_ms)
        elif current is not None:
            timeout_ms = check_timeout(format_ms(current.timeout_ms), interval_ms)
        else:
            timeout_ms = min(DEFAULT_TIMEOUT_MS, interval_ms)
        out.pop("interval", None)
        out.pop("timeout", None)
        out["interval_ms"], out["timeout_ms"] = interval_ms, timeout_ms
        check_auth(pick("username", ""), pick("password_env", ""), pick("bearer_env", ""))
        return out
