"""End to end: the official InfluxDB 2.x client library writes to a running Hydra."""

from __future__ import annotations

import time

import pytest
from influxdb_client import InfluxDBClient, Point, WritePrecision
from influxdb_client.client.write_api import SYNCHRONOUS

from metrics.ingest.series_ids import forget_all
from metrics.models import Series

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_influxdb_client_writes_through_the_v2_api(live_server, token_client):
    forget_all()
    key = token_client().key
    now = int(time.time())
    with InfluxDBClient(url=live_server.url, token=key, org="hydra") as client:
        writer = client.write_api(write_options=SYNCHRONOUS)
        point = Point("http").tag("host", "api-1").tag("route", "/x").field("latency", 12.5)
        writer.write(bucket="metrics", record=point.time(now, WritePrecision.S))
        writer.write(
            bucket="metrics",
            record=f"http,host=api-1,route=/x count=3i {now}",
            write_precision=WritePrecision.S,
        )
    latency = Series.objects.with_latest().get(name="http.latency")
    assert (latency.host, latency.labels, latency.last_value) == ("api-1", {"route": "/x"}, 12.5)
    assert Series.objects.with_latest().get(name="http.count").last_ts == now * 1_000_000


def test_the_influxdb_client_reports_a_bad_token(live_server):
    from influxdb_client.rest import ApiException

    with InfluxDBClient(url=live_server.url, token="wrong", org="hydra") as client:
        writer = client.write_api(write_options=SYNCHRONOUS)
        with pytest.raises(ApiException) as raised:
            writer.write(bucket="metrics", record="cpu value=1")
    assert raised.value.status == 401
    assert Series.objects.count() == 0
