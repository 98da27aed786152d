"""The demo target's own server metrics: what it served each interval, sent to Hydra as
host 127.0.0.1 so a load test's page shows them beside the load."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from metrics.models import Series
from scenarios.engine.served import ServedStats
from scenarios.engine.testserver import ThreadedTargetServer
from scenarios.management.commands.demo_target import metrics_body, push_forever


def test_the_target_counts_what_it_served():
    served = ServedStats()
    with ThreadedTargetServer(served=served) as target:
        for _ in range(20):
            httpx.get(target.url("/fast"))
        for _ in range(5):
            httpx.get(target.url("/status/503"))
        figures = served.take()
    assert figures["http.requests"] > 0 and figures["http.errors"] > 0
    assert figures["http.errors"] / figures["http.requests"] == pytest.approx(5 / 25, rel=1e-3)
    assert 0 < figures["http.latency.p95"] < 1000
    assert served.take()["http.requests"] == 0 and "http.latency.p95" not in served.take()


@pytest.mark.django_db(transaction=True)
def test_the_figures_reach_hydra_as_the_targets_host(asgi_server, token):
    served = ServedStats()
    served.record(3.0, 200)
    stop = threading.Event()
    pusher = threading.Thread(target=push_forever, args=(asgi_server, token, served, 0.2, stop))
    pusher.start()
    try:
        deadline = time.monotonic() + 20
        while Series.objects.filter(host="127.0.0.1").count() < 4:
            assert time.monotonic() < deadline, "no metrics arrived"
            time.sleep(0.2)
    finally:
        stop.set()
        pusher.join(timeout=10)
    names = set(Series.objects.filter(host="127.0.0.1").values_list("name", flat=True))
    assert names == {"http.requests", "http.latency.p95", "http.errors", "cpu.usage"}
    assert Series.objects.filter(labels__service="demo-target").count() == 4
    units = dict(Series.objects.filter(host="127.0.0.1").values_list("name", "unit"))
    assert units == {"http.requests": "req/s", "http.latency.p95": "ms", "http.errors": "req/s",
                     "cpu.usage": "%"}  # fmt: skip


def test_one_interval_is_one_point_per_figure():
    body = metrics_body({"http.requests": 12.5, "cpu.usage": 3.0}, at=1_700_000_000.0)
    assert [s["points"] for s in body["series"]] == [
        [[1_700_000_000.0, 12.5]],
        [[1_700_000_000.0, 3.0]],
    ]
    assert {s["host"] for s in body["series"]} == {"127.0.0.1"}
