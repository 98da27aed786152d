"""``POST /api/v1/write``: Prometheus remote write 1.0 (protobuf, snappy). 204 on success;
400 for a request Prometheus must drop (malformed, invalid labels or timestamps), 413 over
the limits, 401/403 for a missing or read-only token, 429/503 when it should retry."""

from __future__ import annotations

import time

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from metrics import instrumentation
from metrics.api.body import PayloadTooLarge, require_type
from metrics.api.ingest_front import Route
from metrics.api.ingest_views import errors_body, record_ok, store
from metrics.ingest import IngestError, RequestTooLarge
from prom.remote_write import PROTOBUF_TYPES, parse_write_request, unpack

FMT = "remote_write"


def raw_body(request) -> bytes:
    """The body, checked against HYDRA_INGEST_MAX_BYTES before it is read."""
    limit = settings.HYDRA_INGEST_MAX_BYTES
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"Body is {declared} bytes; at most {limit} per request.")
    return request._request.body


class RemoteWriteApi(APIView):
    """Prometheus remote write: ``remote_write: [{url: http://HOST/api/v1/write,
    authorization: {credentials: TOKEN}}]``."""

    required_perms = {"POST": "metrics.add_point"}  # ingestion: editors and admins

    @extend_schema(request={"application/x-protobuf": bytes}, responses={204: None})
    def post(self, request, *args, **kwargs) -> Response:
        require_type(request, PROTOBUF_TYPES)
        started = time.perf_counter()
        encoding = request.META.get("HTTP_CONTENT_ENCODING", "")
        try:
            raw = unpack(raw_body(request), encoding, settings.HYDRA_INGEST_MAX_BYTES)
            store(parse_write_request(raw))
        except IngestError as exc:
            instrumentation.INGEST_REQUESTS.labels(FMT, "400").inc()
            return Response(errors_body(exc), status=status.HTTP_400_BAD_REQUEST)
        except RequestTooLarge as exc:
            raise PayloadTooLarge(str(exc)) from None
        record_ok(FMT, started)
        return Response(status=status.HTTP_204_NO_CONTENT)


# served by the ASGI ingestion front too (hydra.asgi), with the same answers
FRONT_ROUTE = Route(
    FMT, PROTOBUF_TYPES, parse_write_request, 204, "POST, OPTIONS", ("snappy",), unpack
)
