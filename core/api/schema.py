"""The OpenAPI schema (drf-spectacular): Hydra's token schemes, one tag per app, and the
error answers every operation can give.

``ApiTokenAuthentication`` takes ``Authorization: Token <key>``, ``Bearer <key>`` or Basic
auth with the key as password (InfluxDB 1.x clients); the schema offers all three (any one
is enough), so Swagger UI's "Authorize" takes a token. Imported by ``CoreConfig.ready``.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

#: The tag of each app's operations (Swagger UI groups by tag; described in
#: SPECTACULAR_SETTINGS["TAGS"]).
APP_TAGS = {
    "core": "tokens",
    "metrics": "metrics",
    "alerts": "alerts",
    "forecasting": "forecasting",
    "scenarios": "load tests",
    "prom": "prometheus",
    "dashboards": "dashboards",
}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "core.api.authentication.ApiTokenAuthentication"
    name = ["tokenAuth", "bearerAuth", "basicAuth"]

    def get_security_requirement(self, auto_schema):
        return [{name: []} for name in self.name]  # any one of them

    def get_security_definition(self, auto_schema):
        return [
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`Token <key>` (create a key at /api/v1/tokens/ or with "
                "`manage.py create_api_token <user>`)",
            },
            {"type": "http", "scheme": "bearer", "description": "`Bearer <key>`"},
            {
                "type": "http",
                "scheme": "basic",
                "description": "any user name, the key as password (InfluxDB 1.x clients)",
            },
        ]


class ErrorSerializer(serializers.Serializer):
    """An error: ``detail`` says what went wrong; invalid input names its fields instead."""

    detail = serializers.CharField()


class InvalidInputSerializer(serializers.Serializer):
    """Invalid input: ``detail`` for the request as a whole, or (instead) one list of messages
    per bad field, named by the field (``{"threshold": ["A threshold rule needs ..."]}``)."""

    detail = serializers.CharField(required=False)


class HydraAutoSchema(AutoSchema):
    """Tags by app; 400/401/403/404/429 documented where an operation can answer them."""

    def get_tags(self) -> list[str]:
        app = self.view.__module__.split(".")[0]
        return [APP_TAGS.get(app, app)]

    def _errors(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.method in ("POST", "PUT", "PATCH") or self.method == "GET" and self._has_query():
            out["400"] = "Invalid input: the body names each bad field and says why."
        if not any(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            out["401"] = "No token (or an unknown or revoked one) and no session."
            out["403"] = "Not allowed: a read-only token may only read."
        if "{" in self.path:
            out["404"] = "No such object."
        if self.view.get_throttles():
            out["429"] = "Over the token's rate (HYDRA_API_THROTTLE_RATE); see Retry-After."
        return out

    def _has_query(self) -> bool:
        return any(p.get("in") == "query" for p in self._get_parameters())

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in self._errors().items():
            if code not in responses:
                shape = InvalidInputSerializer if code == "400" else ErrorSerializer
                error = self._get_response_for_code(shape, code, direction=direction)
                responses[code] = {**error, "description": description}
        return responses
