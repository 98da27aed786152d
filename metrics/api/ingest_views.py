"""Ingestion endpoints: JSON at ``/api/v1/metrics/`` (POST), InfluxDB line protocol at
``/write`` (1.x) and ``/api/v2/write`` (2.x)."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import OperationalError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from psycopg.errors import DeadlockDetected
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from metrics import instrumentation
from metrics.api.body import PayloadTooLarge, read_body, require_type
from metrics.api.schema import INGEST_ERRORS, TOO_LARGE
from metrics.ingest import Batch, IngestError, RequestTooLarge
from metrics.ingest.json_shapes import parse_json
from metrics.ingest.lineproto import parse_lines
from metrics.services import points_ingest

JSON_TYPES: tuple[str, ...] = ("application/json",)
# InfluxDB reads any write body as line protocol whatever its Content-Type (curl sends
# application/x-www-form-urlencoded by default, Telegraf text/plain, some clients none)
LINE_TYPES: tuple[str, ...] | None = None


def errors_body(exc: IngestError) -> dict:
    first = exc.errors[0]["message"] if exc.errors else "invalid request"
    return {"errors": exc.errors, "error_count": exc.total, "message": first, "code": "invalid"}


def store(batch: Batch, attempts: int = 3) -> int:
    """``points_ingest``, again when PostgreSQL picked the batch as a deadlock's victim
    (its transaction was rolled back whole, so a retry writes it exactly once)."""
    for attempt in range(attempts):
        try:
            return points_ingest(batch=batch)
        except (DeadlockDetected, OperationalError) as exc:
            deadlock = isinstance(exc, DeadlockDetected) or isinstance(
                exc.__cause__, DeadlockDetected
            )
            if not deadlock or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def parse_json_body(raw: bytes, precision: str | None = None) -> Batch:
    return parse_json(raw, max_points=settings.HYDRA_INGEST_MAX_POINTS)


def parse_line_body(raw: bytes, precision: str | None) -> Batch:
    return parse_lines(raw, precision=precision, max_points=settings.HYDRA_INGEST_MAX_POINTS)


def record_ok(fmt: str, started: float) -> None:
    instrumentation.INGEST_SECONDS.labels(fmt).observe(time.perf_counter() - started)
    instrumentation.INGEST_REQUESTS.labels(fmt, "ok").inc()


def ingest(request, fmt: str, parse, precision: str | None = None) -> tuple[int, dict | None]:
    """Parse, validate and store; returns (status, body). Nothing is stored on error."""
    started = time.perf_counter()
    try:
        accepted = store(parse(read_body(request), precision))
    except IngestError as exc:
        instrumentation.INGEST_REQUESTS.labels(fmt, "400").inc()
        return status.HTTP_400_BAD_REQUEST, errors_body(exc)
    except RequestTooLarge as exc:
        raise PayloadTooLarge(str(exc)) from None
    record_ok(fmt, started)
    return status.HTTP_201_CREATED, {"accepted": accepted}


def ingest_json(request) -> Response:
    require_type(request, JSON_TYPES)
    code, body = ingest(request, "json", parse_json_body)
    return Response(body, status=code)


class LineProtocolWriteApi(APIView):
    """InfluxDB-compatible write (204 on success, like InfluxDB)."""

    required_perms = {"POST": "metrics.add_point"}

    @extend_schema(
        request={"text/plain": str},
        parameters=[OpenApiParameter("precision", str, enum=["ns", "us", "ms", "s"])],
        responses={204: None, 400: INGEST_ERRORS, 413: TOO_LARGE},
        description="Any Content-Type (or none) is read as line protocol, as InfluxDB does.",
    )
    def post(self, request, *args, **kwargs) -> Response:
        precision = request.query_params.get("precision")
        code, body = ingest(request, "line", parse_line_body, precision)
        if code == status.HTTP_201_CREATED:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(body, status=code)
