"""A counter sent by Prometheus (remote write with its metadata) is charted as a per-second
rate by default, with its raw value one click away (real browser, live server)."""

from __future__ import annotations

import re
import time

import cramjam
import httpx
import pytest
from playwright.sync_api import expect

from core.tests.helpers import log_in
from prom.protos.remote_pb2 import WriteRequest
from prom.protos.types_pb2 import MetricMetadata

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def remote_write(base: str, token: str, request: WriteRequest) -> None:
    response = httpx.post(
        f"{base}/api/v1/write",
        content=bytes(cramjam.snappy.compress_raw(request.SerializeToString())),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/x-protobuf",
            "Content-Encoding": "snappy",
        },
    )
    assert response.status_code == 204, response.text


def counter_request() -> WriteRequest:
    """http_requests_total growing by 20 every 10 s (2 per second) for 10 minutes."""
    request = WriteRequest()
    series = request.timeseries.add()
    for name, value in (("__name__", "http_requests_total"), ("instance", "web-1:8080")):
        series.labels.add(name=name, value=value)
    start_ms = int(time.time() - 600) * 1000
    for i in range(60):
        series.samples.add(timestamp=start_ms + i * 10_000, value=1000.0 + 20 * i)
    request.metadata.add(
        type=MetricMetadata.COUNTER, metric_family_name="http_requests_total", help="Requests"
    )
    return request


def chart_values(page) -> list[float]:
    return page.evaluate(
        "() => document.getElementById('explore-chart').data[0].y.filter((v) => v !== null)"
    )


def test_a_counter_is_drawn_as_its_rate_and_the_raw_value_is_one_click_away(
    page, asgi_server, user, token, screenshot, console_errors
):
    remote_write(asgi_server, token, counter_request())
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/explore/?name=http_requests_total&range=1h")
    chart = page.locator("#explore-chart")
    expect(chart).to_have_attribute("data-rate", "1")
    toggle = page.locator(".chart-rate-toggle").first
    expect(toggle).to_have_text("per-second rate · show raw value")
    rates = chart_values(page)
    assert len(rates) >= 8 and all(abs(r - 2.0) < 1e-9 for r in rates[1:-1])
    screenshot("counter-rate")
    toggle.click()
    expect(chart).to_have_attribute("data-rate", "0")
    expect(toggle).to_have_text("raw value · show rate")
    assert min(chart_values(page)) >= 1000.0
    toggle.click()
    expect(chart).to_have_attribute("data-rate", "1")
    assert console_errors == []


def test_the_host_page_of_the_instance_charts_the_counter_as_a_rate(
    page, asgi_server, user, token, screenshot, console_errors
):
    remote_write(asgi_server, token, counter_request())
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/hosts/web-1/")  # the instance web-1:8080's host
    chart = page.locator(".hydra-chart[data-type='counter']")
    expect(chart).to_have_attribute("data-rate", "1")
    expect(chart).to_have_attribute("data-points", re.compile(r"^[1-9]"))
    expect(page.locator(".chart-rate-toggle")).to_have_text("per-second rate · show raw value")
    screenshot("host-counter")
    assert console_errors == []
