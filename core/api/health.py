"""``GET /api/v1/health``: no token needed, 503 when a store Hydra needs is down."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.selectors import system_health

COMPONENT = inline_serializer(
    "HealthComponent",
    {
        "status": serializers.CharField(help_text="ok, fail, embedded, unknown or stale"),
        "detail": serializers.CharField(required=False),
    },
)
HEALTH = inline_serializer(
    "Health",
    {
        "status": serializers.ChoiceField(choices=["ok", "fail"]),
        "mode": serializers.ChoiceField(choices=["embedded", "full"]),
        "components": inline_serializer(
            "HealthComponents", {"database": COMPONENT, "redis": COMPONENT, "worker": COMPONENT}
        ),
    },
)


@method_decorator([login_not_required, never_cache], name="dispatch")
class HealthApi(APIView):
    """Database, Redis (or "embedded") and worker heartbeat; 503 when a store is down."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    renderer_classes = [JSONRenderer]

    @extend_schema(tags=["health"], responses={200: HEALTH, 503: HEALTH})
    def get(self, request) -> Response:
        healthy, body = system_health()
        return Response(body, status=200 if healthy else 503)
