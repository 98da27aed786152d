"""The real OpenTelemetry Python SDK exporting to a live Hydra (daphne, OTLP/HTTP protobuf)."""

from __future__ import annotations

import pytest
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.metrics import Observation
from opentelemetry.sdk.metrics import Counter, MeterProvider
from opentelemetry.sdk.metrics.export import AggregationTemporality, PeriodicExportingMetricReader
from opentelemetry.sdk.metrics.view import ExplicitBucketHistogramAggregation, View
from opentelemetry.sdk.resources import Resource

from metrics.models import Point, Series

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def provider(url: str, token: str, **exporter_options) -> MeterProvider:
    exporter = OTLPMetricExporter(
        endpoint=f"{url}/v1/metrics",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
        **exporter_options,
    )
    reader = PeriodicExportingMetricReader(exporter, export_interval_millis=3_600_000)
    resource = Resource.create({"service.name": "checkout", "host.name": "sdk-host"})
    view = View(
        instrument_name="http.server.duration",
        aggregation=ExplicitBucketHistogramAggregation((0.1, 0.5, 1.0)),
    )
    return MeterProvider(metric_readers=[reader], resource=resource, views=[view])


def values(name: str, **labels: str) -> list[float]:
    series = Series.objects.filter(name=name, **{f"labels__{k}": v for k, v in labels.items()})
    return list(
        Point.objects.filter(series__in=series).order_by("ts").values_list("value", flat=True)
    )


def test_the_sdk_exports_counters_gauges_and_histograms(asgi_server, token):
    meters = provider(asgi_server, token)
    meter = meters.get_meter("shop")
    orders = meter.create_counter("orders", unit="{order}", description="Orders placed")
    latency = meter.create_histogram("http.server.duration", unit="s")
    meter.create_observable_gauge("queue.depth", [lambda _: [Observation(7, {"queue": "mail"})]])
    orders.add(3, {"region": "eu"})
    for seconds in (0.05, 0.3, 0.3, 2.0):
        latency.record(seconds, {"http.route": "/pay"})
    assert meters.force_flush(10_000)
    orders.add(2, {"region": "eu"})
    assert meters.force_flush(10_000)
    meters.shutdown()

    order_series = Series.objects.get(name="orders")
    assert (order_series.host, order_series.type, order_series.unit) == (
        "sdk-host",
        "counter",
        "{order}",
    )
    instance = order_series.labels.pop("instance")  # the SDK's service.instance.id
    assert order_series.labels == {"job": "checkout", "region": "eu"} and len(instance) == 36
    assert values("orders")[:2] == [3.0, 5.0]
    assert values("queue.depth", queue="mail")[0] == 7.0
    buckets = {
        le: values("http.server.duration_bucket", le=le)[0] for le in ("0.1", "0.5", "1", "+Inf")
    }
    assert buckets == {"0.1": 1.0, "0.5": 3.0, "1": 3.0, "+Inf": 4.0}
    assert values("http.server.duration_count")[0] == 4.0
    assert values("http.server.duration_sum")[0] == pytest.approx(2.65)


def test_delta_counters_from_the_sdk_are_stored_cumulative(asgi_server, token):
    meters = provider(
        asgi_server, token, preferred_temporality={Counter: AggregationTemporality.DELTA}
    )
    jobs = meters.get_meter("worker").create_counter("jobs.done")
    for amount in (4, 1, 5):
        jobs.add(amount)
        assert meters.force_flush(10_000)
    meters.shutdown()
    assert values("jobs.done") == [4.0, 5.0, 10.0]
