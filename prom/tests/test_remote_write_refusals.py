"""Requests ``POST /api/v1/write`` refuses: a clear 4xx and nothing written, so Prometheus
drops them (400, 413, 415) instead of retrying forever."""

from __future__ import annotations

import cramjam
import pytest
from django.test import override_settings

from metrics.models import Point, Series, StaleMark
from prom.protos.types_pb2 import Histogram
from prom.tests.conftest import now_ms, snappy, write_request

pytestmark = pytest.mark.django_db
GOOD = ({"__name__": "up", "job": "node"}, [(0, 1.0)])


def with_good(*series):
    """A request whose first series is valid: refusing it must write that one neither."""
    t = now_ms()
    return write_request([(GOOD[0], [(t, 1.0)]), *series])


def assert_nothing_written():
    assert (Series.objects.count(), Point.objects.count(), StaleMark.objects.count()) == (0, 0, 0)


def message(response) -> str:
    return response.json()["message"]


def test_truncated_snappy_is_a_400(remote_write):
    body = snappy(with_good())
    response = remote_write(body[: len(body) // 2])
    assert response.status_code == 400 and "not valid snappy" in message(response)
    assert_nothing_written()


def test_a_body_that_is_not_a_write_request_is_a_400(remote_write):
    response = remote_write(bytes(cramjam.snappy.compress_raw(b"\xff\xff\xff\xff garbage")))
    assert response.status_code == 400 and "not a WriteRequest" in message(response)
    assert_nothing_written()


def test_an_uncompressed_body_is_a_415(remote_write):
    raw = with_good().SerializeToString()
    response = remote_write(raw, HTTP_CONTENT_ENCODING="identity")
    assert response.status_code == 415 and "snappy" in response.json()["detail"]
    assert_nothing_written()


def test_another_content_type_is_a_415(api):
    response = api.post(
        "/api/v1/write",
        snappy(with_good()),
        content_type="application/json",
        HTTP_CONTENT_ENCODING="snappy",
    )
    assert response.status_code == 415
    assert_nothing_written()


@override_settings(HYDRA_INGEST_MAX_BYTES=2_000)
def test_an_oversize_body_is_a_413(remote_write):
    series = [({"__name__": f"m{i}", "job": "x" * 50}, [(now_ms(), 1.0)]) for i in range(100)]
    response = remote_write(with_good(*series))
    assert response.status_code == 413
    assert_nothing_written()


@override_settings(HYDRA_INGEST_MAX_BYTES=20_000)
def test_a_body_that_uncompresses_past_the_limit_is_a_413(remote_write):
    series = [
        ({"__name__": "up", "job": "j" * 1000, "i": str(i)}, [(now_ms(), 1.0)]) for i in range(30)
    ]
    body = snappy(with_good(*series))
    assert len(body) < 20_000
    response = remote_write(body)
    assert response.status_code == 413 and "Uncompressed" in response.json()["detail"]
    assert_nothing_written()


@override_settings(HYDRA_INGEST_MAX_POINTS=10)
def test_too_many_samples_is_a_413(remote_write):
    t = now_ms()
    response = remote_write(with_good((GOOD[0] | {"i": "2"}, [(t - i, 1.0) for i in range(10)])))
    assert response.status_code == 413
    assert_nothing_written()


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ({"__name__": "up", "bad-label": "x"}, "label name 'bad-label' is invalid"),
        ({"__name__": "up", "0abc": "x"}, "label name '0abc' is invalid"),
        ({"__name__": "not valid"}, "metric name 'not valid' is invalid"),
        ({"job": "nameless"}, "no __name__"),
        ({"__name__": "up", **{f"l{i}": "v" for i in range(40)}}, "at most 32"),
    ],
)
def test_label_sets_prometheus_forbids_are_a_400(remote_write, labels, expected):
    response = remote_write(with_good((labels, [(now_ms(), 1.0)])))
    assert response.status_code == 400 and expected in message(response)
    assert response.json()["errors"][0]["index"] == 1
    assert_nothing_written()


@pytest.mark.parametrize(
    "stamp_ms",
    [
        pytest.param(lambda now: now - 400 * 86_400_000, id="older-than-retention"),
        pytest.param(lambda now: now + 3_600_000, id="an-hour-ahead"),
        pytest.param(lambda now: 2**62, id="int64-overflow-if-multiplied"),
        pytest.param(lambda now: -(2**62), id="negative-overflow"),
    ],
)
def test_samples_outside_the_time_window_are_a_400(remote_write, stamp_ms):
    response = remote_write(with_good(({"__name__": "late"}, [(stamp_ms(now_ms()), 1.0)])))
    assert response.status_code == 400 and "outside the accepted time window" in message(response)
    assert_nothing_written()


def test_a_sample_without_a_timestamp_is_a_400_even_beside_a_zero_value(remote_write):
    """The wire leaves out both a zero timestamp and a zero value: a series with one of each
    has as many values as timestamps, but not in line with its samples."""
    t = now_ms()
    response = remote_write(with_good((GOOD[0] | {"job": "b"}, [(0, 5.0), (t, 0.0)])))
    assert response.status_code == 400 and "outside the accepted time window" in message(response)
    assert_nothing_written()


def test_native_histograms_are_a_400(remote_write):
    request = with_good()
    series = request.timeseries.add()
    series.labels.add(name="__name__", value="latency")
    series.histograms.append(Histogram(count_int=1, sum=0.5, schema=0, timestamp=now_ms()))
    response = remote_write(request)
    assert response.status_code == 400 and "native histograms" in message(response)
    assert_nothing_written()


def test_every_invalid_series_is_listed(remote_write):
    bad = [({"__name__": "up", f"bad-{i}": "x"}, [(now_ms(), 1.0)]) for i in range(3)]
    response = remote_write(with_good(*bad))
    assert [e["index"] for e in response.json()["errors"]] == [1, 2, 3]


def test_a_control_character_in_a_label_value_is_a_400(remote_write):
    response = remote_write(with_good(({"__name__": "up", "job": "a\x00b"}, [(now_ms(), 1.0)])))
    assert response.status_code == 400 and "control character" in message(response)
    assert_nothing_written()
