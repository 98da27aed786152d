"""Input and output shapes of the forecasting API."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from forecasting.models import Forecast, ForecastConfig
from forecasting.spec import MODEL_NAMES, SEASONALITIES


class ForecastConfigSerializer(serializers.ModelSerializer):
    """A config; validated by the model's ``clean()`` (the admin's rules)."""

    class Meta:
        model = ForecastConfig
        fields = [
            "id", "name", "series", "metric", "host_pattern", "enabled", "horizon_seconds",
            "step_seconds", "history_seconds", "model", "seasonalities", "level",
            "interval_seconds", "next_run_at", "created_at",
        ]  # fmt: skip
        read_only_fields = ["next_run_at", "created_at"]

    def validate(self, attrs: dict) -> dict:
        instance = ForecastConfig(**{**self._current(), **attrs})
        try:
            instance.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None
        return attrs

    def _current(self) -> dict:
        if self.instance is None:
            return {}
        names = [f for f in self.Meta.fields if f not in ("id", "next_run_at", "created_at")]
        return {n: getattr(self.instance, n) for n in names}


class PredictionQuerySerializer(serializers.Serializer):
    series = serializers.IntegerField(required=False, min_value=1)
    name = serializers.CharField(required=False, max_length=200)
    host = serializers.CharField(required=False, max_length=200, allow_blank=True, default="")
    threshold = serializers.FloatField(
        required=False, help_text="answer ``breach``: when the forecast first crosses this value"
    )
    direction = serializers.ChoiceField(choices=[">", "<"], default=">")
    bound = serializers.ChoiceField(
        choices=["yhat", "upper", "lower"], default="yhat", help_text="the curve that must cross"
    )

    def validate(self, attrs: dict) -> dict:
        if "series" not in attrs and "name" not in attrs:
            raise serializers.ValidationError("give ?series=<id>, or ?name=<metric>&host=<host>")
        return attrs


class ForecastRunSerializer(serializers.Serializer):
    """A forecast run: ``queued``, ``running``, ``ok`` or ``error`` (``message`` says why)."""

    id = serializers.IntegerField(source="pk")
    status = serializers.CharField()
    message = serializers.CharField()
    error = serializers.CharField()
    created_at = serializers.DateTimeField()


class BreachSerializer(serializers.Serializer):
    """When the forecast first crosses ``threshold`` (``at`` null: not within the horizon)."""

    threshold = serializers.FloatField()
    direction = serializers.CharField()
    bound = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True)
    in_seconds = serializers.FloatField(allow_null=True)


class PredictionSerializer(serializers.Serializer):
    """The latest forecast: ``points`` are ``[ts, yhat, yhat_lower, yhat_upper]`` (epoch s),
    the interval at the run's level (``levels[0]``, 80 % by default); ``band_95`` is
    ``[ts, lower, upper]`` of the 95 % band. Both are calibrated on the model's backtest
    errors."""

    series = serializers.IntegerField(source="series_id")
    forecast = serializers.IntegerField(source="pk")
    model = serializers.CharField()
    created_at = serializers.DateTimeField()
    horizon_seconds = serializers.IntegerField()
    step_seconds = serializers.IntegerField()
    metrics = serializers.JSONField()
    reliable = serializers.BooleanField()
    reasons = serializers.JSONField()
    levels = serializers.ListField(child=serializers.FloatField(), read_only=True)
    points = serializers.SerializerMethodField()
    last_run = ForecastRunSerializer(required=False, help_text="the newest run (it may be newer)")
    breach = BreachSerializer(required=False, help_text="with ?threshold=")

    band_95 = serializers.SerializerMethodField()

    def get_points(self, obj: Forecast) -> list[list[float]]:
        return [list(row) for row in obj.point_rows()]

    def get_band_95(self, obj: Forecast) -> list[list[float]]:
        return obj.outer_rows()


class PredictionMissingSerializer(serializers.Serializer):
    """No successful forecast: why (``detail``) and the newest run, if any."""

    detail = serializers.CharField()
    last_run = ForecastRunSerializer(allow_null=True, required=False)  # none: no such series


class PredictionQueuedSerializer(serializers.Serializer):
    series = serializers.IntegerField()
    queued = serializers.BooleanField()
    run = ForecastRunSerializer()
    settings = serializers.JSONField()


class PredictionRunSerializer(serializers.Serializer):
    """``series`` plus optional overrides of its config for this run only."""

    series = serializers.IntegerField(min_value=1)
    horizon_seconds = serializers.IntegerField(required=False, min_value=1)
    step_seconds = serializers.IntegerField(required=False, min_value=1)
    history_seconds = serializers.IntegerField(required=False, min_value=1)
    model = serializers.ChoiceField(choices=MODEL_NAMES, required=False)
    seasonalities = serializers.ChoiceField(choices=list(SEASONALITIES), required=False)
    level = serializers.FloatField(required=False)
