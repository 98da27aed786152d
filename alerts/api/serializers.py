"""Input/output shapes of the alerts API."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from rest_framework import serializers

from alerts.models import Alert, AlertEvent, AlertRule, Anomaly, Silence
from alerts.services.rules import rule_from_data


def run_clean(instance) -> None:
    """Model ``clean()`` is the one place rules are validated (the admin uses it too)."""
    try:
        instance.clean()
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.message_dict) from None


class AlertEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AlertEvent
        fields = list(AlertEvent.SHOWN_FIELDS)


class AlertSerializer(serializers.ModelSerializer):
    rule_name = serializers.CharField(source="rule.name")
    severity = serializers.CharField(source="rule.severity")
    metric = serializers.CharField(source="series.name")
    host = serializers.CharField(source="series.host")
    labels = serializers.JSONField(source="series.labels")
    alert_labels = serializers.JSONField(source="labels", read_only=True)
    acknowledged = serializers.BooleanField()
    acknowledged_by = serializers.StringRelatedField[Model]()

    class Meta:
        model = Alert
        fields = [
            "id", "rule", "rule_name", "severity", "series", "metric", "host", "labels", "state",
            "value", "since", "summary", "flapping", "silenced", "acknowledged",
            "acknowledged_at", "acknowledged_by", "rule_version", "load_test", "alert_labels",
            "annotations", "fingerprint",
        ]  # fmt: skip


class AlertListQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["pending", "firing", "resolved", "acknowledged", "all"],
        default="all",
        required=False,
    )


class AlertRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = AlertRule
        exclude = ["next_eval_at"]
        read_only_fields = [
            "version",
            "last_evaluated_at",
            "last_status",
            "error",
            "created_at",
            "updated_at",
        ]

    def validate(self, attrs):
        base = AlertRule.objects.get(pk=self.instance.pk) if self.instance else None
        run_clean(rule_from_data(data=attrs, rule=base))
        return attrs


class AlertRuleBacktestSerializer(AlertRuleSerializer):
    """An unsaved rule: every field as for creating one, the name optional and not unique."""

    days = serializers.IntegerField(min_value=1, max_value=30, default=7, write_only=True)

    class Meta(AlertRuleSerializer.Meta):
        extra_kwargs = {"name": {"required": False, "validators": []}}

    def validate(self, attrs):
        run_clean(self.rule(attrs))
        return attrs

    @staticmethod
    def rule(attrs: dict) -> AlertRule:
        """The unsaved rule the fields describe."""
        fields = {k: v for k, v in attrs.items() if k not in ("days", "channels")}
        return rule_from_data(data={"name": "backtest", **fields})


class FiringSerializer(serializers.Serializer):
    series = serializers.CharField()
    at = serializers.DateTimeField()


class BacktestResultSerializer(serializers.Serializer):
    """How often and when the rule would have fired (each episode once, at its start)."""

    days = serializers.IntegerField()
    series = serializers.IntegerField(help_text="series the selector matches (at most 200)")
    step_seconds = serializers.IntegerField(source="step_s")
    count = serializers.IntegerField()
    fired = FiringSerializer(many=True, help_text="at most the first 500, oldest first")
    note = serializers.CharField()


class SilenceSerializer(serializers.ModelSerializer):
    created_by = serializers.StringRelatedField[Model](read_only=True)
    active = serializers.SerializerMethodField()
    expired = serializers.SerializerMethodField()

    class Meta:
        model = Silence
        fields = [
            "id", "matchers", "starts_at", "ends_at", "rrule", "duration_minutes", "timezone",
            "comment", "created_by", "created_at", "active", "expired",
        ]  # fmt: skip

    def get_active(self, obj: Silence) -> bool:
        return obj.active_at(self.context["now"])

    def get_expired(self, obj: Silence) -> bool:
        return obj.expired(self.context["now"])

    def validate(self, attrs):
        silence = Silence(**{**self._current(), **attrs})
        run_clean(silence)
        return attrs

    def _current(self) -> dict:
        if self.instance is None:
            return {}
        fields = ("matchers", "starts_at", "ends_at", "rrule", "duration_minutes", "timezone")
        return {f: getattr(self.instance, f) for f in fields}


class AnomalySerializer(serializers.ModelSerializer):
    dismissed_by = serializers.StringRelatedField[Model]()

    class Meta:
        model = Anomaly
        fields = [
            "id", "series", "ts", "detector", "value", "score", "expected", "lower", "upper",
            "dismissed", "dismissed_by", "dismissed_at",
        ]  # fmt: skip
