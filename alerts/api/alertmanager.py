"""Alertmanager's API v2, the parts Prometheus and amtool use, so a Prometheus server's
``alerting.alertmanagers`` can point at Hydra::

    alerting:
      alertmanagers:
        - static_configs: [{targets: ["hydra.example.com:8000"]}]
          authorization: {credentials: <Hydra API token of an editor>}

``POST /api/v2/alerts`` (200, or 400 naming each refused alert; the valid ones of a batch
are kept, as in Alertmanager), ``GET /api/v2/alerts`` (the dispatcher's alerts with their
state and receivers), ``GET /api/v2/status``.
"""

from __future__ import annotations

import yaml
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts.routing import ConfigError, format_time
from alerts.services.dispatch import dispatcher_loaded, silencer
from alerts.services.received import alerts_receive
from alerts.services.routing_config import config_data

STARTED = timezone.now()


class PostableAlertSerializer(serializers.Serializer):
    """Alertmanager's ``postableAlert`` (documentation only: the service validates)."""

    labels = serializers.DictField(child=serializers.CharField())
    annotations = serializers.DictField(child=serializers.CharField(), required=False)
    startsAt = serializers.DateTimeField(required=False)  # noqa: N815 (Alertmanager's names)
    endsAt = serializers.DateTimeField(required=False)  # noqa: N815
    generatorURL = serializers.CharField(required=False)  # noqa: N815


class GettableAlertSerializer(PostableAlertSerializer):
    fingerprint = serializers.CharField()
    updatedAt = serializers.DateTimeField()  # noqa: N815
    receivers = serializers.ListField(child=serializers.DictField())
    status = serializers.DictField()


class AlertmanagerAlertsApi(APIView):
    required_perms = {"POST": "alerts.add_receivedalert", "GET": "alerts.view_receivedalert"}

    @extend_schema(
        request=PostableAlertSerializer(many=True),
        responses={200: None, 400: OpenApiTypes.OBJECT},
    )
    def post(self, request, *args, **kwargs) -> Response:
        count, errors = alerts_receive(body=request.data)
        if errors:
            return Response({"error": "; ".join(errors[:20]), "accepted": count}, status=400)
        return Response(status=status.HTTP_200_OK)

    @extend_schema(responses={200: GettableAlertSerializer(many=True)})
    def get(self, request, *args, **kwargs) -> Response:
        try:
            dispatcher = dispatcher_loaded()
        except ConfigError as exc:
            return Response({"error": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        if dispatcher is None:
            return Response([])
        now = timezone.now()
        muted = silencer(now)
        out = []
        for alert in dispatcher.alerts.values():
            if alert.resolved_at(now):
                continue
            silenced = muted(alert.labels, now)
            inhibited = dispatcher.inhibited_by(alert.labels, now)
            out.append({
                "labels": alert.labels, "annotations": alert.annotations,
                "startsAt": format_time(alert.starts_at), "endsAt": format_time(alert.ends_at),
                "updatedAt": format_time(alert.updated_at), "generatorURL": alert.generator_url,
                "fingerprint": alert.fingerprint_hex,
                "receivers": [{"name": r.receiver} for r in dispatcher.config.route.match(alert.labels)],
                "status": {
                    "state": "suppressed" if silenced or inhibited else "active",
                    "silencedBy": [silenced] if silenced else [],
                    "inhibitedBy": [inhibited] if inhibited else [],
                },
            })  # fmt: skip
        return Response(out)


class AlertmanagerStatusApi(APIView):
    required_perms = {"GET": "alerts.view_notificationpolicy"}

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, *args, **kwargs) -> Response:
        return Response({
            "cluster": {"status": "disabled", "peers": []},
            "versionInfo": {"version": "hydra", "branch": "", "revision": "", "buildUser": "",
                            "buildDate": "", "goVersion": ""},
            "config": {"original": yaml.safe_dump(config_data(), sort_keys=False)},
            "uptime": format_time(STARTED),
        })  # fmt: skip
