"""``POST /v1/metrics``: OTLP/HTTP metrics, binary protobuf or JSON, gzip or not. 200 with an
``ExportMetricsServiceResponse`` (``partial_success`` lists refused points); 400 with a
``google.rpc.Status`` when nothing could be stored; 401/403/413/415/429/503 as elsewhere."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from metrics import instrumentation
from metrics.api.body import PayloadTooLarge, content_type, read_body, require_type
from metrics.api.ingest_views import record_ok, store
from metrics.ingest import IngestError
from metrics.ingest.rules import Window
from prom.otlp.codec import TYPES, parse_request, response_body, status_body
from prom.otlp.mapping import Mapper

FMT = "otlp"


class OtlpMetricsApi(APIView):
    """OpenTelemetry SDKs: ``OTEL_EXPORTER_OTLP_METRICS_ENDPOINT=http://HOST/v1/metrics``
    and ``OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20TOKEN``."""

    required_perms = {"POST": "metrics.add_point"}  # ingestion: editors and admins

    @extend_schema(
        request={"application/x-protobuf": bytes, "application/json": dict},
        # the answer has the request's type: protobuf bytes, or the same message as JSON
        responses={
            (200, "application/x-protobuf"): bytes,
            (200, "application/json"): OpenApiTypes.OBJECT,
            (400, "application/x-protobuf"): bytes,
            (400, "application/json"): OpenApiTypes.OBJECT,
        },
    )
    def post(self, request, *args, **kwargs) -> HttpResponse:
        require_type(request, TYPES)
        kind = content_type(request)
        started = time.perf_counter()
        try:
            mapped = Mapper(Window.now()).run(parse_request(read_body(request), kind))
            if len(mapped.batch) > settings.HYDRA_INGEST_MAX_POINTS:
                raise PayloadTooLarge(
                    f"{len(mapped.batch)} points in one request; "
                    f"at most {settings.HYDRA_INGEST_MAX_POINTS}."
                )
            store(mapped.batch)
        except IngestError as exc:
            instrumentation.INGEST_REQUESTS.labels(FMT, "400").inc()
            text = "; ".join(e["message"] for e in exc.errors[:5]) or "invalid request"
            return HttpResponse(status_body(kind, text), status=400, content_type=kind)
        record_ok(FMT, started)
        body = response_body(kind, mapped.rejected, mapped.reasons)
        return HttpResponse(body, content_type=kind)
