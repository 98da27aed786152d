"""Dashboard pages: fixed query counts, statuses, explore, host pages."""

from __future__ import annotations

import time

import orjson
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts.services.evaluation import rules_evaluate
from alerts.tests.conftest import make_rule

pytestmark = pytest.mark.django_db


def load(api, hosts: int, now: float) -> None:
    series = [
        {"name": name, "host": f"h{h:03d}", "points": [[now - i * 10, 50.0 + h] for i in range(6)]}
        for h in range(hosts)
        for name in ("cpu.usage", "memory.used", "disk.io")
    ]
    body = orjson.dumps({"series": series})
    assert api.post("/api/v1/metrics/", body, content_type="application/json").status_code == 201


def page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_overview_costs_the_same_queries_for_3_or_30_hosts(client, owner, api):
    client.force_login(owner)
    now = time.time()
    load(api, 3, now)
    few = page_queries(client, "/")
    load(api, 30, now)
    assert page_queries(client, "/") == few <= 10
    assert page_queries(client, "/hosts/h001/") <= 5


def test_a_host_with_a_firing_alert_shows_its_severity(client, owner, api):
    client.force_login(owner)
    load(api, 2, time.time())
    make_rule(name="cpu very high", metric="cpu.usage", threshold=50.5, severity="critical")
    rules_evaluate()
    page = client.get("/").content.decode()
    assert 'status-critical" data-host="h001"' in page
    assert 'status-ok" data-host="h000"' in page
    assert "cpu very high" in client.get("/?panel=side", HTTP_HX_REQUEST="true").content.decode()


def test_search_and_grouping_narrow_the_grid(client, owner, api):
    client.force_login(owner)
    load(api, 5, time.time())
    fragment = client.get("/", {"q": "h003"}, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.count("host-card ") == 1 and 'data-host="h003"' in fragment


def test_explore_keeps_the_query_and_counts_matches(client, owner, api):
    client.force_login(owner)
    load(api, 4, time.time())
    page = client.get(
        "/explore/", {"name": "cpu.usage", "agg": "max", "range": "6h"}
    ).content.decode()
    assert "4 series match." in page
    assert "&quot;agg&quot;: &quot;max&quot;" in page and "format=csv" in page


def test_an_unknown_host_is_404(client, owner):
    client.force_login(owner)
    assert client.get("/hosts/nowhere/").status_code == 404
