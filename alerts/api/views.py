"""The alerts API: alerts (+ acknowledge), rules CRUD, silences, anomalies (+ feedback)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts.api.serializers import (
    AlertListQuerySerializer,
    AlertRuleBacktestSerializer,
    AlertRuleSerializer,
    AlertSerializer,
    AnomalySerializer,
    BacktestResultSerializer,
    SilenceSerializer,
)
from alerts.models import Alert, AlertRule, Anomaly, Silence
from alerts.selectors import alerts_list
from alerts.services.backtest import rule_backtest
from alerts.services.detection import anomaly_dismiss
from alerts.services.rules import alert_acknowledge, rule_from_data, rule_save, silence_save
from metrics.query.params import now_us, parse_time

MAX_FIRINGS = 500


class AlertViewSet(viewsets.ReadOnlyModelViewSet):
    """``GET /api/v1/alerts/?state=pending|firing|resolved|acknowledged|all``."""

    serializer_class = AlertSerializer

    def get_queryset(self):
        query = AlertListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return alerts_list(state=query.validated_data["state"]).order_by("-since", "-id")

    @extend_schema(parameters=[AlertListQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class AlertAcknowledgeApi(APIView):
    """``POST /api/v1/alerts/{id}/acknowledge``: sets the acknowledged flag."""

    required_perms = {"POST": "alerts.acknowledge_alert"}

    @extend_schema(request=None, responses={200: AlertSerializer})
    def post(self, request, pk: int):
        alert = get_object_or_404(Alert.objects.select_related("rule", "series"), pk=pk)
        alert = alert_acknowledge(alert=alert, user=request.user)
        return Response(AlertSerializer(alert).data)


def refuse_provisioned(obj) -> None:
    """Objects loaded from files change only through their file (``manage.py provision``)."""
    if getattr(obj, "provisioned", False):
        raise PermissionDenied(
            f"Provisioned from {obj.source}: change the file and run manage.py provision."
        )


class AlertRuleViewSet(viewsets.ModelViewSet):
    """Rules CRUD; validation is the model's ``clean()``, edits bump ``version``."""

    serializer_class = AlertRuleSerializer
    queryset = AlertRule.objects.prefetch_related("channels").order_by("name")

    def perform_destroy(self, instance):
        refuse_provisioned(instance)
        instance.delete()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = rule_save(
            rule=rule_from_data(data=data), channels=data.get("channels", [])
        )

    def perform_update(self, serializer):
        refuse_provisioned(serializer.instance)
        data = dict(serializer.validated_data)
        rule = rule_from_data(data=data, rule=serializer.instance)
        serializer.instance = rule_save(rule=rule, channels=data.get("channels"))


class AlertRuleBacktestApi(APIView):
    """``POST /api/v1/alert-rules/backtest`` with a rule's fields (not saved): how often and
    when it would have fired over the last ``days`` (7) of stored data. Part of writing a
    rule, so it needs the role that may add one."""

    required_perms = {"POST": "alerts.add_alertrule"}

    @extend_schema(request=AlertRuleBacktestSerializer, responses={200: BacktestResultSerializer})
    def post(self, request):
        body = AlertRuleBacktestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rule = AlertRuleBacktestSerializer.rule(body.validated_data)
        result = rule_backtest(rule=rule, days=body.validated_data["days"])
        fired = [{"series": s, "at": t} for s, t in result.fired[:MAX_FIRINGS]]
        data = {**vars(result), "count": result.count, "fired": fired}
        return Response(BacktestResultSerializer(data).data)


class SilenceViewSet(viewsets.ModelViewSet):
    serializer_class = SilenceSerializer
    queryset = Silence.objects.select_related("created_by").order_by("-ends_at", "-id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def perform_destroy(self, instance):
        refuse_provisioned(instance)
        instance.delete()

    def perform_create(self, serializer):
        serializer.instance = silence_save(
            silence=Silence(**serializer.validated_data), user=self.request.user
        )

    def perform_update(self, serializer):
        refuse_provisioned(serializer.instance)
        for field, value in serializer.validated_data.items():
            setattr(serializer.instance, field, value)
        silence_save(silence=serializer.instance)


class AnomalyListQuerySerializer(serializers.Serializer):
    series = serializers.RegexField(
        r"^\d{1,18}(,\d{1,18}){0,199}$",
        required=False,
        error_messages={"invalid": "expected a series id, or ids separated by commas"},
    )
    start = serializers.CharField(
        required=False, help_text="RFC 3339, epoch seconds, 'now' or relative like -1h"
    )
    end = serializers.CharField(required=False, help_text="as start")
    dismissed = serializers.ChoiceField(choices=["true", "false"], required=False)

    def validate(self, data: dict) -> dict:
        now = now_us()
        for name in ("start", "end"):
            if name in data:
                try:
                    data[name] = parse_time(data[name], now)
                except ValueError as exc:
                    raise serializers.ValidationError({name: str(exc)}) from None
        if "start" in data and "end" in data and data["start"] >= data["end"]:
            raise serializers.ValidationError({"end": "must be after start"})
        return data


class AnomalyViewSet(viewsets.ReadOnlyModelViewSet):
    """``GET /api/v1/anomalies/?series=<id>[,<id>…]&start=&end=&dismissed=true|false``:
    the newest first (charts draw the anomalies in their window)."""

    serializer_class = AnomalySerializer

    def get_queryset(self):
        qs = Anomaly.objects.select_related("dismissed_by").order_by("-ts", "-id")
        if self.action != "list":
            return qs
        query = AnomalyListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        if "series" in q:
            qs = qs.filter(series_id__in=[int(i) for i in q["series"].split(",")])
        if "start" in q:
            qs = qs.filter(ts__gte=q["start"])
        if "end" in q:
            qs = qs.filter(ts__lte=q["end"])
        if "dismissed" in q:
            qs = qs.filter(dismissed=q["dismissed"] == "true")
        return qs

    @extend_schema(parameters=[AnomalyListQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class AnomalyDismissApi(APIView):
    """``POST``: "not an anomaly" (lowers the series' sensitivity); ``DELETE``: undo it."""

    required_perms = {"POST": "alerts.change_anomaly", "DELETE": "alerts.change_anomaly"}

    @extend_schema(request=None, responses={200: AnomalySerializer})
    def post(self, request, pk: int):
        return self._set(request, pk, True)

    @extend_schema(request=None, responses={200: AnomalySerializer})
    def delete(self, request, pk: int):
        return self._set(request, pk, False)

    def _set(self, request, pk: int, dismissed: bool) -> Response:
        anomaly = get_object_or_404(Anomaly, pk=pk)
        anomaly = anomaly_dismiss(anomaly=anomaly, user=request.user, dismissed=dismissed)
        return Response(AnomalySerializer(anomaly).data, status=status.HTTP_200_OK)
