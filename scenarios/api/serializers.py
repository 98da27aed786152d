"""Input/output shapes of the scenarios API."""

from __future__ import annotations

from rest_framework import serializers

from scenarios import services
from scenarios.engine import DIFFICULTIES, SCENARIO_TYPES
from scenarios.models import Scenario, ScenarioRun, TrainingSession, ordered_latency


def safety_error(exc: services.SafetyError) -> serializers.ValidationError:
    return serializers.ValidationError({exc.field: [str(exc)]})


class ScenarioSerializer(serializers.ModelSerializer):
    created_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False)

    class Meta:
        model = Scenario
        fields = [
            "id", "name", "description", "spec", "tags", "monitored_host", "kind",
            "difficulty", "generated", "created_by", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["kind", "difficulty", "generated", "created_at", "updated_at"]

    def validate(self, attrs):
        if "spec" in attrs:
            name = attrs.get("name") or getattr(self.instance, "name", "scenario")
            try:
                services.check_spec_safe(attrs["spec"], name)
            except services.SafetyError as exc:
                raise safety_error(exc) from None
        return attrs

    def create(self, validated_data):
        user = self.context["request"].user
        return services.scenario_create(user=user, **validated_data)

    def update(self, instance, validated_data):
        return services.scenario_update(scenario=instance, **validated_data)


class ScenarioGenerateSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=SCENARIO_TYPES, required=False, allow_null=True)
    difficulty = serializers.ChoiceField(choices=DIFFICULTIES, default="easy")
    target_url = serializers.URLField(max_length=2000)


class RunSerializer(serializers.ModelSerializer):
    created_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = ScenarioRun
        fields = [
            "id", "scenario", "name", "status", "reason", "cancel_requested", "spec",
            "monitored_host", "live", "summary", "thresholds_passed", "created_by",
            "created_at", "started_at", "ended_at",
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if data.get("summary") and isinstance(data["summary"].get("latency_ms"), dict):
            latency = ordered_latency(data["summary"]["latency_ms"])
            data["summary"] = {**data["summary"], "latency_ms": dict(latency)}
        return data


class TrainingStartSerializer(serializers.Serializer):
    target_url = serializers.URLField(max_length=2000)
    slo = serializers.JSONField(help_text='{"p95": "300ms", "error_rate": "1%"} or a list')
    max_rps = serializers.FloatField(min_value=0.001)
    start_rps = serializers.FloatField(min_value=0.001, required=False)
    step_duration = serializers.FloatField(min_value=0.1, required=False)
    method = serializers.ChoiceField(choices=["GET", "HEAD", "POST"], default="GET")
    label = serializers.CharField(max_length=200, required=False, allow_blank=True)  # type: ignore[assignment]


class TrainingSessionSerializer(serializers.ModelSerializer):
    successful_steps = serializers.IntegerField(read_only=True)

    class Meta:
        model = TrainingSession
        fields = [
            "id", "label", "target_url", "method", "slo", "start_rps", "max_rps",
            "step_duration", "status", "reason", "stop_requested", "steps", "successful_steps",
            "capacity_rps", "first_failing_rps", "created_at", "started_at", "ended_at",
        ]  # fmt: skip
        read_only_fields = fields
