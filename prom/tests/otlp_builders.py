"""OTLP requests built with the opentelemetry-proto message classes, for the tests."""

from __future__ import annotations

import time

from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.metrics.v1 import metrics_pb2 as m

DELTA = m.AGGREGATION_TEMPORALITY_DELTA
CUMULATIVE = m.AGGREGATION_TEMPORALITY_CUMULATIVE
RESOURCE = {"host.name": "web-1", "service.name": "checkout", "telemetry.sdk.name": "opentelemetry"}


def now_ns(offset_s: float = 0) -> int:
    return int((time.time() + offset_s) * 1e9)


def attrs(values: dict) -> list[KeyValue]:
    out = []
    for key, value in values.items():
        if isinstance(value, bool):
            any_value = AnyValue(bool_value=value)
        elif isinstance(value, int):
            any_value = AnyValue(int_value=value)
        elif isinstance(value, float):
            any_value = AnyValue(double_value=value)
        else:
            any_value = AnyValue(string_value=value)
        out.append(KeyValue(key=key, value=any_value))
    return out


def number(value: float, t: int, labels: dict | None = None, **kw) -> m.NumberDataPoint:
    field = "as_int" if isinstance(value, int) else "as_double"
    return m.NumberDataPoint(
        time_unix_nano=t, attributes=attrs(labels or {}), **{field: value}, **kw
    )


def request(*metrics: m.Metric, resource: dict | None = None) -> ExportMetricsServiceRequest:
    req = ExportMetricsServiceRequest()
    rm = req.resource_metrics.add()
    rm.resource.attributes.extend(attrs(RESOURCE if resource is None else resource))
    rm.scope_metrics.add().metrics.extend(metrics)
    return req


def gauge(name: str, *points: m.NumberDataPoint, unit: str = "", description: str = ""):
    return m.Metric(
        name=name, unit=unit, description=description, gauge=m.Gauge(data_points=points)
    )


def counter(name: str, *points, temporality=CUMULATIVE, monotonic=True) -> m.Metric:
    data = m.Sum(data_points=points, aggregation_temporality=temporality, is_monotonic=monotonic)
    return m.Metric(name=name, sum=data)


def histogram(name: str, t: int, bounds, counts, total: float, temporality=CUMULATIVE):
    point = m.HistogramDataPoint(
        time_unix_nano=t,
        count=sum(counts),
        sum=total,
        explicit_bounds=bounds,
        bucket_counts=counts,
    )
    data = m.Histogram(data_points=[point], aggregation_temporality=temporality)
    return m.Metric(name=name, histogram=data)


def summary(name: str, t: int, quantiles: dict[float, float], count: int, total: float):
    values = [m.SummaryDataPoint.ValueAtQuantile(quantile=q, value=v) for q, v in quantiles.items()]
    point = m.SummaryDataPoint(time_unix_nano=t, count=count, sum=total, quantile_values=values)
    return m.Metric(name=name, summary=m.Summary(data_points=[point]))


def exponential(name: str, t: int) -> m.Metric:
    point = m.ExponentialHistogramDataPoint(time_unix_nano=t, count=3, sum=1.5, scale=2)
    data = m.ExponentialHistogram(data_points=[point, point], aggregation_temporality=CUMULATIVE)
    return m.Metric(name=name, exponential_histogram=data)
