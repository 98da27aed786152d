"""Query parameters: times (RFC 3339, epoch, relative ``-1h``, ``now``), steps, aggregations.

Each bad parameter gives a 400 that names it (DRF serializer errors are keyed by field).
"""

from __future__ import annotations

import re
import time

from rest_framework import serializers

from metrics.ingest.rules import RuleError, epoch_to_us, rfc3339_to_us

US = 1_000_000
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
RELATIVE = re.compile(r"^-(\d+(?:\.\d+)?)([smhdw])$")
DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhdw]?)$")
AGGS = ("avg", "min", "max", "sum", "count", "last", "p95", "rate")
NICE_STEPS_S = [
    1,
    5,
    10,
    15,
    30,
    60,
    120,
    300,
    600,
    900,
    1800,
    3600,
    7200,
    10800,
    21600,
    43200,
    86400,
]
MAX_POINTS_PER_SERIES = 1_000
MAX_BUCKETS = 11_000


def parse_time(text: str, now_us: int) -> int:
    text = text.strip()
    if text == "now":
        return now_us
    if match := RELATIVE.match(text):
        return now_us - int(float(match[1]) * UNITS[match[2]] * US)
    try:
        return epoch_to_us(float(text))
    except ValueError:
        pass
    try:
        return rfc3339_to_us(text)
    except RuleError as exc:
        raise ValueError(
            f"{exc}; use RFC 3339, epoch seconds, 'now' or a relative time like -1h"
        ) from None


def parse_duration_s(text: str) -> float:
    match = DURATION.match(text.strip())
    if not match:
        raise ValueError("use seconds or a duration like 30s, 5m, 1h")
    return float(match[1]) * UNITS[match[2] or "s"]


def auto_step_s(span_us: int) -> int:
    """The smallest nice step giving at most MAX_POINTS_PER_SERIES buckets."""
    wanted = span_us / US / MAX_POINTS_PER_SERIES
    for step in NICE_STEPS_S:
        if step >= wanted:
            return step
    return int(-(-wanted // 86400) * 86400)


class TimeField(serializers.CharField):
    def to_internal_value(self, data) -> int:  # type: ignore[override]
        try:
            return parse_time(super().to_internal_value(data), self.context["now_us"])
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None


class StepField(serializers.CharField):
    def to_internal_value(self, data) -> float:  # type: ignore[override]
        try:
            step = parse_duration_s(super().to_internal_value(data))
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None
        if step < 1:
            raise serializers.ValidationError("step must be at least 1 second")
        return step


class RangeSerializer(serializers.Serializer):
    """start/end with defaults: the last hour."""

    start = TimeField(required=False)
    end = TimeField(required=False)

    def validate(self, attrs: dict) -> dict:
        now = self.context["now_us"]
        attrs.setdefault("end", now)
        attrs.setdefault("start", attrs["end"] - 3600 * US)
        if attrs["start"] >= attrs["end"]:
            raise serializers.ValidationError({"start": "start must be before end"})
        return attrs


class SeriesQuerySerializer(RangeSerializer):
    name = serializers.CharField(required=False, max_length=200)
    host = serializers.CharField(required=False, max_length=200)
    series = serializers.CharField(required=False, help_text="comma-separated series ids")
    step = StepField(required=False)
    agg = serializers.ChoiceField(choices=AGGS, default="avg")
    format = serializers.ChoiceField(choices=("json", "csv"), default="json")

    def validate_series(self, value: str) -> list[int]:
        try:
            return [int(v) for v in value.split(",") if v.strip()]
        except ValueError:
            raise serializers.ValidationError(
                "series must be comma-separated integer ids"
            ) from None

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        if not attrs.get("name") and not attrs.get("series"):
            raise serializers.ValidationError({"name": "name (or series) is required"})
        span = attrs["end"] - attrs["start"]
        step = attrs.get("step") or auto_step_s(span)
        if span / US / step > MAX_BUCKETS:
            raise serializers.ValidationError(
                {"step": f"step too small: over {MAX_BUCKETS} buckets"}
            )
        attrs["step_us"] = int(step * US)
        return attrs


def label_filters(query_params) -> dict[str, str]:
    """``label.<k>=<v>`` parameters."""
    return {k[6:]: v for k, v in query_params.items() if k.startswith("label.") and len(k) > 6}


def now_us() -> int:
    return int(time.time() * US)
