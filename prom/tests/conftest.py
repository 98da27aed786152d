"""Builders of remote-write bodies for the prom tests."""

from __future__ import annotations

import time

import cramjam
import pytest

from prom.protos.remote_pb2 import WriteRequest


def now_ms() -> int:
    return int(time.time() * 1000)


def write_request(series: list[tuple[dict[str, str], list[tuple[int, float]]]], metadata=()):
    """A WriteRequest: (labels incl. __name__, [(ts_ms, value)]) per series."""
    request = WriteRequest()
    for labels, samples in series:
        ts = request.timeseries.add()
        for name, value in labels.items():
            ts.labels.add(name=name, value=value)
        for stamp, value in samples:
            ts.samples.add(timestamp=stamp, value=value)
    for md in metadata:
        request.metadata.add(**md)
    return request


def snappy(request) -> bytes:
    return bytes(cramjam.snappy.compress_raw(request.SerializeToString()))


@pytest.fixture
def remote_write(api):
    """POST a WriteRequest (or raw bytes) to /api/v1/write as Prometheus does."""

    def post(body, client=None, **headers):
        data = body if isinstance(body, bytes) else snappy(body)
        headers.setdefault("HTTP_CONTENT_ENCODING", "snappy")
        headers.setdefault("HTTP_X_PROMETHEUS_REMOTE_WRITE_VERSION", "0.1.0")
        return (client or api).post(
            "/api/v1/write", data, content_type="application/x-protobuf", **headers
        )

    return post
