"""``make run``'s demo: Hydra scrapes the demo target's /metrics, and a load test's run page
shows the target's own request counter (as a rate) and latency beside the load."""

from __future__ import annotations

import httpx
import pytest

from metrics.models import Point, Series
from prom.models import ScrapeTarget
from prom.scraper.runner import make_scraper
from prom.tests.metrics_server import scrape_once
from scenarios.engine.testserver import ThreadedTargetServer
from scenarios.selectors import host_series

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_targets_own_metrics_are_scraped_under_its_host():
    with ThreadedTargetServer(metrics=True) as target:
        for _ in range(5):
            httpx.get(target.url("/fast"))
        httpx.get(target.url("/status/503"))
        ScrapeTarget.objects.create(job="demo-target", url=target.url("/metrics"))
        scrape_once(make_scraper())
    requests = {
        (s.labels["route"], s.labels["code"]): s
        for s in Series.objects.filter(name="http_requests_total")
    }
    assert set(requests) == {("/fast", "200"), ("/status/{code}", "503")}
    fast = requests[("/fast", "200")]
    assert (fast.type, fast.host) == ("counter", "127.0.0.1")
    assert Point.objects.get(series=fast).value == 5
    buckets = Series.objects.filter(name="http_request_duration_seconds_bucket")
    assert buckets.count() == 2 * 13 and buckets.first().type == "histogram"
    shown = {s.name for s in host_series("127.0.0.1")}
    assert "http_requests_total" in shown and "http_request_duration_seconds_sum" in shown
    assert not {n for n in shown if n.endswith(("_bucket", "_created")) or n == "up"}
