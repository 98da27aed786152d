"""``POST /v1/metrics``: OTLP/HTTP with binary protobuf or JSON, gzip, partial success, errors
as ``google.rpc.Status``, auth."""

from __future__ import annotations

import gzip
import math

import pytest
from django.test import override_settings
from google.protobuf import json_format
from google.rpc.status_pb2 import Status
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceResponse,
)
from rest_framework.test import APIClient

from metrics.models import Point, Series
from prom.tests.otlp_builders import exponential, gauge, now_ns, number, request

pytestmark = pytest.mark.django_db
PROTOBUF, JSON = "application/x-protobuf", "application/json"


def post(client, body: bytes, kind: str = PROTOBUF, **headers):
    return client.post("/v1/metrics", body, content_type=kind, **headers)


def answer(response) -> ExportMetricsServiceResponse:
    if response["Content-Type"] == JSON:
        return json_format.Parse(response.content, ExportMetricsServiceResponse())
    return ExportMetricsServiceResponse.FromString(response.content)


def test_a_protobuf_request_is_stored_and_answered_with_an_empty_response(api):
    body = request(gauge("queue.depth", number(4.0, now_ns()))).SerializeToString()
    response = post(api, body)
    assert response.status_code == 200 and response["Content-Type"] == PROTOBUF
    assert not answer(response).HasField("partial_success")
    series = Series.objects.get()
    assert (series.name, series.host, series.type) == ("queue.depth", "web-1", "gauge")
    assert list(Point.objects.values_list("value", flat=True)) == [4.0]


def test_a_json_request_is_answered_in_json(api):
    body = json_format.MessageToJson(request(gauge("g", number(1.5, now_ns())))).encode()
    response = post(api, body, JSON)
    assert response.status_code == 200 and response["Content-Type"] == JSON
    assert response.json() == {} and Point.objects.count() == 1


def test_a_gzipped_request_is_accepted(api):
    body = gzip.compress(request(gauge("g", number(2.0, now_ns()))).SerializeToString())
    response = post(api, body, HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 200 and Point.objects.count() == 1


def test_refused_points_are_reported_in_partial_success_and_the_rest_stored(api):
    body = request(exponential("sizes", now_ns()), gauge("g", number(1.0, now_ns())))
    response = post(api, body.SerializeToString())
    partial = answer(response).partial_success
    assert response.status_code == 200 and partial.rejected_data_points == 2
    assert "exponential histograms are not supported (sizes)" in partial.error_message
    assert list(Series.objects.values_list("name", flat=True)) == ["g"]


def test_a_body_that_is_not_a_request_is_a_400_status_and_nothing_is_written(api):
    response = post(api, b"\xff\xff\xff not protobuf")
    assert response.status_code == 400
    status = Status.FromString(response.content)
    assert status.code == 3 and "not an ExportMetricsServiceRequest" in status.message
    assert Point.objects.count() == 0


def test_an_invalid_point_refuses_the_request_with_a_json_status(api):
    bad = gauge("g", number(1.0, now_ns(), {f"k{i}": "v" for i in range(40)}))
    body = json_format.MessageToJson(request(gauge("ok", number(1.0, now_ns())), bad))
    response = post(api, body.encode(), JSON)
    assert response.status_code == 400 and "at most 32" in response.json()["message"]
    assert Series.objects.count() == 0


def test_another_content_type_is_a_415(api):
    assert post(api, b"g 1", "text/plain").status_code == 415


@pytest.mark.parametrize(("read_only", "status"), [(False, 200), (True, 403)])
def test_a_bearer_token_writes_unless_it_is_read_only(token_client, read_only, status):
    client = token_client(read_only=read_only, keyword="Bearer")
    response = post(client, request(gauge("g", number(1.0, now_ns()))).SerializeToString())
    assert response.status_code == status
    assert Point.objects.count() == (0 if read_only else 1)


def test_a_request_without_credentials_is_a_401():
    body = request(gauge("g", number(1.0, now_ns()))).SerializeToString()
    assert post(APIClient(), body).status_code == 401 and Point.objects.count() == 0


@override_settings(HYDRA_INGEST_MAX_BYTES=1_000)
def test_an_oversize_body_is_a_413_and_nothing_is_written(api):
    points = [number(float(i), now_ns(), {"i": str(i)}) for i in range(50)]
    response = post(api, request(gauge("g", *points)).SerializeToString())
    assert response.status_code == 413 and Point.objects.count() == 0


@override_settings(HYDRA_INGEST_MAX_POINTS=5)
def test_too_many_points_is_a_413_and_nothing_is_written(api):
    points = [number(float(i), now_ns(), {"i": str(i)}) for i in range(6)]
    response = post(api, request(gauge("g", *points)).SerializeToString())
    assert response.status_code == 413 and Series.objects.count() == 0


def test_nan_and_infinities_are_values(api):
    t = now_ns()
    body = request(gauge("g", number(math.inf, t, {"k": "a"}), number(-math.inf, t, {"k": "b"})))
    assert post(api, body.SerializeToString()).status_code == 200
    assert sorted(Point.objects.values_list("value", flat=True)) == [-math.inf, math.inf]
