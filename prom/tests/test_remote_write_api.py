"""``POST /api/v1/write``: what Prometheus relies on — 204, stale marks, metadata, labels kept
exactly, idempotent re-sends, auth."""

from __future__ import annotations

import base64
import math

import pytest
from prometheus_client import REGISTRY
from rest_framework.test import APIClient

from metrics.models import Point, Series, StaleMark
from prom.promql.storage import STALE_NAN
from prom.protos.types_pb2 import MetricMetadata
from prom.tests.conftest import now_ms, write_request

pytestmark = pytest.mark.django_db
NODE = {"__name__": "node_load1", "instance": "web-1:9100", "job": "node"}


def stored() -> list[tuple[int, float]]:
    return list(Point.objects.order_by("series_id", "ts").values_list("ts", "value"))


def test_it_stores_samples_with_millisecond_timestamps_and_answers_204(remote_write):
    t = now_ms()
    response = remote_write(write_request([(NODE, [(t - 1000, 0.5), (t, 0.75)])]))
    assert response.status_code == 204 and response.content == b""
    assert stored() == [((t - 1000) * 1000, 0.5), (t * 1000, 0.75)]


def test_the_label_set_is_kept_exactly_and_the_host_comes_from_the_instance(remote_write):
    labels = {**NODE, "cpu": "0", "__meta_kept": "yes"}
    remote_write(write_request([(labels, [(now_ms(), 1.0)])]))
    series = Series.objects.get()
    assert series.prometheus_labels == labels
    assert (series.host, series.host_from_instance) == ("web-1", True)


def test_a_staleness_marker_becomes_a_stale_mark_not_a_value(remote_write):
    t = now_ms()
    remote_write(write_request([(NODE, [(t - 1000, 2.0), (t, STALE_NAN)])]))
    assert stored() == [((t - 1000) * 1000, 2.0)]
    assert list(StaleMark.objects.values_list("ts", flat=True)) == [t * 1000]


def test_nan_and_infinities_are_values(remote_write):
    t = now_ms()
    response = remote_write(
        write_request([(NODE, [(t - 2, math.nan), (t - 1, math.inf), (t, -math.inf)])])
    )
    assert response.status_code == 204
    values = [v for _, v in stored()]
    assert values[-2:] == [math.inf, -math.inf] and StaleMark.objects.count() == 0


def test_zero_values_which_the_wire_leaves_out_are_stored_in_place(remote_write):
    """proto3 writers omit a zero value from its Sample: a series of zeros, and zeros among
    other values, must keep every value at its own timestamp."""
    t = now_ms()
    zeros = {**NODE, "__name__": "node_zeros"}
    mixed = {**NODE, "__name__": "node_mixed"}
    plain = {**NODE, "__name__": "node_plain"}
    body = write_request(
        [
            (zeros, [(t - 2000, 0.0), (t - 1000, 0.0), (t, 0.0)]),
            (mixed, [(t - 2000, 1.5), (t - 1000, 0.0), (t, 2.5)]),
            (plain, [(t - 2000, 3.0), (t - 1000, 4.0)]),
        ]
    )
    assert remote_write(body).status_code == 204
    by_name = {
        name: list(
            Point.objects.filter(series__name=name).order_by("ts").values_list("ts", "value")
        )
        for name in ("node_zeros", "node_mixed", "node_plain")
    }
    us = [(t - 2000) * 1000, (t - 1000) * 1000, t * 1000]
    assert by_name == {
        "node_zeros": list(zip(us, [0.0, 0.0, 0.0], strict=True)),
        "node_mixed": list(zip(us, [1.5, 0.0, 2.5], strict=True)),
        "node_plain": list(zip(us[:2], [3.0, 4.0], strict=True)),
    }


def test_metadata_types_the_family_series(remote_write):
    t = now_ms()
    histogram = {**NODE, "__name__": "http_seconds_bucket", "le": "0.5"}
    remote_write(write_request([(histogram, [(t, 3.0)]), ({**NODE}, [(t, 1.0)])]))
    meta = [
        {"type": MetricMetadata.HISTOGRAM, "metric_family_name": "http_seconds", "help": "Latency"},
        {"type": MetricMetadata.GAUGE, "metric_family_name": "node_load1", "unit": "load"},
    ]
    assert remote_write(write_request([], metadata=meta)).status_code == 204
    rows = dict(Series.objects.values_list("name", "type"))
    assert rows == {"http_seconds_bucket": "histogram", "node_load1": "gauge"}
    assert Series.objects.get(name="node_load1").unit == "load"


def test_a_resent_request_is_stored_once(remote_write):
    t = now_ms()
    body = write_request([(NODE, [(t - 1, 1.0), (t, 2.0)])])
    assert remote_write(body).status_code == 204
    assert remote_write(body).status_code == 204
    assert stored() == [((t - 1) * 1000, 1.0), (t * 1000, 2.0)]


@pytest.mark.parametrize("scheme", ["Bearer", "Token", "Basic"])
def test_bearer_token_and_basic_credentials_are_accepted(remote_write, token_client, scheme):
    key = token_client().key
    credentials = (
        base64.b64encode(f"prometheus:{key}".encode()).decode() if scheme == "Basic" else key
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {credentials}")
    response = remote_write(write_request([(NODE, [(now_ms(), 1.0)])]), client=client)
    assert response.status_code == 204 and Point.objects.count() == 1


def test_a_read_only_token_is_refused_with_403(remote_write, token_client):
    client = token_client(read_only=True)
    response = remote_write(write_request([(NODE, [(now_ms(), 1.0)])]), client=client)
    assert response.status_code == 403 and Point.objects.count() == 0


def test_a_request_without_credentials_is_refused_with_401(remote_write):
    response = remote_write(write_request([(NODE, [(now_ms(), 1.0)])]), client=APIClient())
    assert response.status_code == 401 and Point.objects.count() == 0


def test_an_outsiders_session_cannot_write_without_a_csrf_token(remote_write, teammate):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(teammate)
    response = remote_write(write_request([(NODE, [(now_ms(), 1.0)])]), client=client)
    assert response.status_code == 403 and Point.objects.count() == 0


def test_requests_are_counted_in_hydras_own_metrics(remote_write):
    def count(status: str) -> float:
        labels = {"format": "remote_write", "status": status}
        return REGISTRY.get_sample_value("hydra_ingest_requests_total", labels) or 0.0

    before = count("ok"), count("400")
    remote_write(write_request([(NODE, [(now_ms(), 1.0)])]))
    remote_write(write_request([({"__name__": "bad-name"}, [(now_ms(), 1.0)])]))
    assert (count("ok"), count("400")) == (before[0] + 1, before[1] + 1)
