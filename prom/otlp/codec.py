"""OTLP/HTTP bodies: the request (binary protobuf or OTLP/JSON), the answer and errors in the
request's own encoding (``ExportMetricsServiceResponse``, ``google.rpc.Status``)."""

from __future__ import annotations

from google.protobuf import json_format
from google.protobuf.message import DecodeError
from google.rpc.status_pb2 import Status
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsPartialSuccess,
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
)

from metrics.ingest import IngestError

PROTOBUF = "application/x-protobuf"
JSON = "application/json"
TYPES = (PROTOBUF, JSON)
INVALID_ARGUMENT = 3  # google.rpc.Code


def parse_request(raw: bytes, kind: str) -> ExportMetricsServiceRequest:
    """The request, or IngestError for a body that is not one."""
    try:
        if kind == JSON:
            return json_format.Parse(raw, ExportMetricsServiceRequest(), ignore_unknown_fields=True)
        return ExportMetricsServiceRequest.FromString(raw)
    except (DecodeError, json_format.ParseError, UnicodeDecodeError) as exc:
        message = f"body is not an ExportMetricsServiceRequest: {exc}"
        raise IngestError([{"index": 0, "field": "body", "message": message[:500]}]) from None


def _encode(message, kind: str) -> bytes:
    if kind == JSON:
        return json_format.MessageToJson(message, indent=None).encode()
    return message.SerializeToString()


def response_body(kind: str, rejected: int, reasons: list[str]) -> bytes:
    """The success answer; ``partial_success`` says what was refused and why."""
    response = ExportMetricsServiceResponse()
    if rejected:
        response.partial_success.CopyFrom(
            ExportMetricsPartialSuccess(
                rejected_data_points=rejected, error_message="; ".join(reasons)
            )
        )
    return _encode(response, kind)


def status_body(kind: str, message: str) -> bytes:
    """A 400 answer: ``google.rpc.Status`` with INVALID_ARGUMENT."""
    return _encode(Status(code=INVALID_ARGUMENT, message=message), kind)
