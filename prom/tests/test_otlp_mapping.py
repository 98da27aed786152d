"""OTLP metrics -> Hydra series (``prom.otlp.mapping``): names, labels, host, each data kind."""

from __future__ import annotations

import pytest

from metrics.ingest import IngestError
from metrics.ingest.rules import Window
from metrics.services import points_ingest
from prom.otlp.mapping import Mapper, bound
from prom.tests.otlp_builders import (
    DELTA,
    counter,
    exponential,
    gauge,
    histogram,
    now_ns,
    number,
    request,
    summary,
)

pytestmark = pytest.mark.django_db


def mapped(*metrics, resource=None):
    return Mapper(Window.now()).run(request(*metrics, resource=resource))


def samples(result) -> dict[tuple, list[float]]:
    """{(name, host, labels): [values]} of a mapping result's batch."""
    batch = result.batch
    out: dict[tuple, list[float]] = {}
    for position, value in zip(batch.series_index, batch.values, strict=True):
        name, host, labels = batch.series[position]
        out.setdefault((name, host, labels), []).append(value)
    return out


def test_a_gauge_keeps_its_dotted_name_and_the_resource_gives_host_and_job():
    t = now_ns()
    result = mapped(gauge("system.cpu.utilization", number(0.25, t, {"cpu": 0})))
    assert samples(result) == {
        ("system.cpu.utilization", "web-1", (("cpu", "0"), ("job", "checkout"))): [0.25]
    }
    assert result.batch.ts == [t // 1000]
    assert result.batch.meta["system.cpu.utilization"].type == "gauge"


def test_attribute_names_are_sanitized_and_sdk_attributes_dropped():
    resource = {
        "service.name": "api",
        "service.namespace": "shop",
        "service.instance.id": "i-42",
        "deployment.environment": "prod",
        "telemetry.sdk.language": "python",
    }
    result = mapped(
        gauge("g", number(1, now_ns(), {"http.route": "/x", "2xx": True})), resource=resource
    )
    ((name, host, labels),) = samples(result)
    assert host == "" and dict(labels) == {
        "job": "shop/api",
        "instance": "i-42",
        "deployment_environment": "prod",
        "http_route": "/x",
        "key_2xx": "true",
    }


def test_keys_that_sanitize_to_the_same_label_are_joined():
    result = mapped(gauge("g", number(1, now_ns(), {"a.b": "1", "a_b": "2"})), resource={})
    assert dict(next(iter(samples(result)))[2]) == {"a_b": "1;2"}  # in key order: a.b, a_b


def test_a_monotonic_cumulative_sum_is_a_counter_and_a_non_monotonic_one_a_gauge():
    t = now_ns()
    result = mapped(
        counter("requests", number(5, t)), counter("queue", number(3, t), monotonic=False)
    )
    assert result.batch.meta["requests"].type == "counter"
    assert result.batch.meta["queue"].type == "gauge"
    assert sorted(v for vs in samples(result).values() for v in vs) == [3.0, 5.0]


def test_a_histogram_becomes_cumulative_bucket_sum_and_count_series():
    result = mapped(histogram("latency", now_ns(), [0.1, 0.5, 1], [2, 3, 1, 4], 12.5))
    got = {
        (name, dict(labels).get("le")): values
        for (name, _, labels), values in samples(result).items()
    }
    assert got == {
        ("latency_count", None): [10.0],
        ("latency_sum", None): [12.5],
        ("latency_bucket", "0.1"): [2.0],
        ("latency_bucket", "0.5"): [5.0],
        ("latency_bucket", "1"): [6.0],
        ("latency_bucket", "+Inf"): [10.0],
    }
    assert {m.type for m in result.batch.meta.values()} == {"histogram"}


def test_a_summary_becomes_quantile_sum_and_count_series():
    result = mapped(summary("rpc", now_ns(), {0.5: 0.2, 0.99: 0.9}, 7, 2.1))
    got = {
        (name, dict(labels).get("quantile")): v for (name, _, labels), v in samples(result).items()
    }
    assert got == {
        ("rpc_count", None): [7.0],
        ("rpc_sum", None): [2.1],
        ("rpc", "0.5"): [0.2],
        ("rpc", "0.99"): [0.9],
    }


def test_exponential_histograms_are_refused_in_the_partial_success_only():
    result = mapped(exponential("sizes", now_ns()), gauge("g", number(1.0, now_ns())))
    assert result.rejected == 2 and "exponential histograms are not supported" in result.reasons[0]
    assert len(result.batch) == 1


def test_a_point_without_a_recorded_value_is_a_stale_mark():
    result = mapped(gauge("g", number(1.0, now_ns(), flags=1)))
    assert len(result.batch) == 0 and len(result.batch.stale_ts) == 1


def test_delta_sums_are_made_cumulative_across_requests_and_resends_are_not_counted_twice():
    first = [number(2, now_ns(-3), start_time_unix_nano=now_ns(-4)), number(3, now_ns(-2))]
    result = mapped(counter("jobs", *first, temporality=DELTA))
    assert result.batch.values == [2.0, 5.0]
    points_ingest(batch=result.batch)
    again = mapped(counter("jobs", *first, number(4, now_ns(-1)), temporality=DELTA))
    assert again.batch.values == [9.0]


def test_a_delta_histogram_is_made_cumulative_per_series():
    t = now_ns(-2)
    points_ingest(batch=mapped(histogram("h", t, [1], [1, 1], 1.0, DELTA)).batch)
    result = mapped(histogram("h", now_ns(), [1], [2, 0], 0.5, DELTA))
    got = {(name, dict(labels).get("le")): v for (name, _, labels), v in samples(result).items()}
    assert got[("h_bucket", "1")] == [3.0] and got[("h_count", None)] == [4.0]
    assert got[("h_sum", None)] == [1.5]


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        (gauge("g", number(1, now_ns(), {f"k{i}": "v" for i in range(40)})), "at most 32"),
        (gauge("g", number(1, 5)), "older than the raw retention"),
        (gauge("1st", number(1, now_ns())), "metric name '1st' is invalid"),
    ],
)
def test_invalid_points_refuse_the_whole_request(metric, expected):
    with pytest.raises(IngestError, match=expected):
        mapped(gauge("ok", number(1, now_ns())), metric)


@pytest.mark.parametrize(
    ("value", "text"),
    [(1.0, "1"), (0.005, "0.005"), (2.5, "2.5"), (1e-05, "1e-05"), (float("inf"), "+Inf")],
)
def test_bounds_are_written_as_prometheus_writes_them(value, text):
    assert bound(value) == text
