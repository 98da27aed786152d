"""What every ``/prometheus/api/v1/*`` endpoint shares: parameters read as Prometheus reads
them (GET query string or POST form, the form first), answers in its JSON envelope, its
error types and status codes, and read-only tokens allowed to POST (a POST here reads)."""

from __future__ import annotations

import json
from typing import NoReturn

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from core.api.permissions import RolePermission
from prom.promql import BadDataError, LabelMatcher, PromQLError
from prom.promql.params import parse_duration, parse_selector, parse_time

JSON = "application/json"
RESPONSES = {200: dict, 400: dict, 422: dict, 503: dict}
SCHEMA = extend_schema(responses=RESPONSES)


def success(data_json: str) -> HttpResponse:
    """``data_json``: the ``data`` object already serialised (the engine writes it fast)."""
    return HttpResponse(f'{{"status":"success","data":{data_json}}}', content_type=JSON)


def success_data(data) -> HttpResponse:
    return success(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def failure(error_type: str, message: str, status: int) -> HttpResponse:
    body = {"status": "error", "errorType": error_type, "error": message}
    return HttpResponse(json.dumps(body), content_type=JSON, status=status)


class Params:
    """The request's parameters: the POST form first, then the URL (Go's ``FormValue``)."""

    def __init__(self, request) -> None:
        self.form = request.data if request.method == "POST" else {}
        self.url = request.query_params

    def get(self, name: str, default: str = "") -> str:
        if hasattr(self.form, "get") and self.form.get(name) is not None:
            return str(self.form.get(name))
        return self.url.get(name, default)

    def all(self, name: str) -> list[str]:
        form = self.form.getlist(name) if hasattr(self.form, "getlist") else []
        return [*form, *self.url.getlist(name)]

    def time(self, name: str, default: int | None = None) -> int:
        text = self.get(name)
        if not text and default is not None:
            return default
        try:
            return parse_time(text)
        except BadDataError as exc:
            self._invalid(name, exc)

    def optional_time(self, name: str) -> int | None:
        return self.time(name, default=0) if self.get(name) else None

    def duration_ms(self, name: str) -> int:
        try:
            return parse_duration(self.get(name))
        except BadDataError as exc:
            self._invalid(name, exc)

    def timeout_s(self) -> float | None:
        return self.duration_ms("timeout") / 1000 if self.get("timeout") else None

    def selectors(self) -> list[list[LabelMatcher]]:
        return [parse_selector(text) for text in self.all("match[]")]

    @staticmethod
    def _invalid(name: str, exc: Exception) -> NoReturn:
        raise BadDataError(f'invalid parameter "{name}": {exc}') from None


class ReadByPostPermission(IsAuthenticated):
    """Signed in; read-only tokens may POST (Prometheus's API reads by POST too)."""


class PrometheusApi(APIView):
    """GET and POST (form) answer alike; PromQL errors become Prometheus's error answers."""

    permission_classes = [ReadByPostPermission, RolePermission]
    required_perms = {"GET": "metrics.view_point", "POST": "metrics.view_point"}
    reads_by_post = True  # hydra/tests/test_url_roles.py: a POST here writes nothing

    def answer(self, params: Params, **kwargs) -> HttpResponse:
        raise NotImplementedError

    @SCHEMA
    def get(self, request, *args, **kwargs) -> HttpResponse:
        return self.answer(Params(request), **kwargs)

    @extend_schema(request={"application/x-www-form-urlencoded": dict}, responses=RESPONSES)
    def post(self, request, *args, **kwargs) -> HttpResponse:
        return self.answer(Params(request), **kwargs)

    def handle_exception(self, exc):
        if isinstance(exc, PromQLError):
            return failure(exc.error_type, str(exc), exc.http_status)
        return super().handle_exception(exc)
