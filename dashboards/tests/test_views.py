"""Dashboard pages: fixed query counts, statuses, explore, host pages."""

from __future__ import annotations

import re
import time

import orjson
import pytest
from django.core.cache import cache

from alerts.services.evaluation import rules_evaluate
from alerts.tests.conftest import make_rule
from metrics.models import Series
from metrics.rollups import rollups_update

pytestmark = pytest.mark.django_db


def load(api, hosts: int, now: float) -> None:
    series = [
        {"name": name, "host": f"h{h:03d}", "points": [[now - i * 10, 50.0 + h] for i in range(6)]}
        for h in range(hosts)
        for name in ("cpu.usage", "memory.used", "disk.io")
    ]
    body = orjson.dumps({"series": series})
    assert api.post("/api/v1/metrics/", body, content_type="application/json").status_code == 201


def test_the_overview_costs_the_same_queries_for_3_or_30_hosts(
    client, owner, api, django_assert_num_queries
):
    """session, user, the user's permissions (2) and role, firing alerts, series, sparklines,
    anomalies, ingestion rate, running load tests."""
    client.force_login(owner)
    now = time.time()
    load(api, 3, now)
    with django_assert_num_queries(11):
        assert client.get("/").status_code == 200
    load(api, 30, now)
    cache.clear()
    with django_assert_num_queries(11):
        page = client.get("/").content.decode()
    assert page.count('class="card host-card') == 30
    assert page.count('<svg class="spark"') == 60  # cpu.usage and memory.used per host
    with django_assert_num_queries(8):  # the grid and the ingestion rate from the cache
        assert client.get("/").content.decode().count('class="card host-card') == 30
    with django_assert_num_queries(8):  # session, user, permissions (2), role, series,
        # forecasts, alerts
        assert client.get("/hosts/h001/").status_code == 200


def test_a_warm_sparkline_cache_still_reads_those_of_new_hosts(client, owner, api, monkeypatch):
    monkeypatch.setattr("dashboards.views.GRID_CACHE_S", 0)
    client.force_login(owner)
    now = time.time()
    load(api, 2, now)
    rollups_update()
    client.get("/")
    load(api, 3, now)  # h002 is new
    rollups_update()
    page = client.get("/").content.decode()
    card = page[page.index('data-host="h002"') :]
    line = re.search(r'points="([^"]*)"', card[: card.index("</article>")])
    assert line and len(line[1].split()) >= 2


def test_a_cached_grid_still_shows_a_new_alert_status_at_once(client, owner, api):
    client.force_login(owner)
    load(api, 2, time.time())
    assert 'status-ok" data-host="h001"' in client.get("/").content.decode()
    load(api, 3, time.time())  # h002 appears within the grid's few seconds: not yet shown
    assert 'data-host="h002"' not in client.get("/").content.decode()
    make_rule(name="cpu very high", metric="cpu.usage", threshold=50.5, severity="critical")
    rules_evaluate()  # statuses changed: the grid is rendered again
    page = client.get("/").content.decode()
    assert 'status-critical" data-host="h001"' in page and 'data-host="h002"' in page


def test_a_counters_card_shows_its_rate_per_second_and_its_total_on_the_hosts_page(
    client, owner, api
):
    """cpu.usage sent as a counter of CPU seconds: 2 per second for an hour, then reset
    (at a sparkline bucket's start: inside one, that bucket's rate misses the increase after
    the reset and the next bucket's counts it)."""
    client.force_login(owner)
    now = int(time.time())
    reset = (now - 900) // 120 * 120
    points = [[t, 5e5 + 2.0 * t - 2 * now if t < reset else 2.0 * (t - reset)]
              for t in range(now - 3600, now + 1, 10)]  # fmt: skip
    body = {"series": [{"name": "cpu.usage", "host": "web-1", "points": points}]}
    assert api.post("/api/v1/metrics/", orjson.dumps(body), content_type="application/json")
    Series.objects.filter(name="cpu.usage").update(type="counter")
    rollups_update()
    card = client.get("/").content.decode()
    raw = 2.0 * (now - reset)
    figure = re.search(rf'data-counter="1" data-raw="{raw}" data-raw-ts="{now}.0" title="per-'
                       rf'second rate \(a counter\); latest value {raw / 1e3:.1f}k">([^<]+)<', card)  # fmt: skip
    assert figure and figure[1] in ("2/s", "2.01/s", "2.02/s", "2.03/s"), card
    spark = re.search(r'aria-label="cpu.usage per second, last 1h"[^>]*data-hi="([^"]+)"', card)
    assert spark and float(spark[1]) < 3  # the rate, not the ever-growing value
    row = client.get("/hosts/").content.decode()
    total = (
        f'cpu.usage {raw / 1e3:.1f}k <span class="muted" title="a counter\'s latest value">total'
    )
    assert total in row


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


def test_a_host_page_lists_the_hosts_alerts_firing_first(client, owner, api):
    client.force_login(owner)
    load(api, 3, time.time())  # h000 cpu 50, h001 cpu 51, h002 cpu 52
    make_rule(name="cpu above 50.5", metric="cpu.usage", threshold=50.5, severity="critical")
    make_rule(name="memory above 0", metric="memory.used", threshold=0, severity="info")
    rules_evaluate()
    page = client.get("/hosts/h002/").content.decode()
    panel = page[page.index('id="host-alerts"') :]
    assert panel.index("cpu above 50.5") < panel.index("</section>")
    assert panel.index("memory above 0") < panel.index("</section>")
    assert 'data-alert-host="h002"' in page and 'hx-trigger="hydra:alerts-changed"' in page
    quiet = client.get("/hosts/h000/").content.decode()
    assert "cpu above 50.5" not in quiet and "memory above 0" in quiet


def test_the_host_alerts_panel_rerenders_alone(client, owner, api, django_assert_num_queries):
    client.force_login(owner)
    load(api, 1, time.time())
    make_rule(name="memory above 0", metric="memory.used", threshold=0)
    rules_evaluate()
    with django_assert_num_queries(5):  # session, user, permissions (2), alerts
        fragment = client.get(
            "/hosts/h000/", {"panel": "alerts"}, HTTP_HX_REQUEST="true"
        ).content.decode()
    assert fragment.startswith("<h2>Alerts") and "memory above 0" in fragment
    assert "<html" not in fragment


def test_the_status_filter_keeps_the_hosts_that_need_attention(client, owner, api):
    client.force_login(owner)
    now = time.time()
    load(api, 3, now)
    body = {"series": [{"name": "cpu.usage", "host": "old", "points": [[now - 3600, 1.0]]}]}
    api.post("/api/v1/metrics/", orjson.dumps(body), content_type="application/json")
    make_rule(name="cpu above 51.5", metric="cpu.usage", threshold=51.5)
    rules_evaluate()

    def hosts(**params) -> list[str]:
        page = client.get("/", params, HTTP_HX_REQUEST="true").content.decode()
        return re.findall(r'class="card host-card[^"]*" data-host="([^"]+)"', page)

    assert hosts(status="problem") == ["h002", "old"]
    assert hosts(status="alerting") == ["h002"]
    assert hosts(status="stale") == ["old"]
    assert hosts(status="ok") == ["h000", "h001"]
    assert hosts(status="nonsense") == ["h000", "h001", "h002", "old"]  # ignored: all


def test_groups_by_a_label_are_collapsible_with_their_counts(client, owner, api):
    client.force_login(owner)
    now = time.time()
    series = [
        {"name": "cpu.usage", "host": f"h{i}", "labels": {"env": env}, "points": [[now, 1.0]]}
        for i, env in enumerate(["prod", "prod", "dev"])
    ]
    api.post("/api/v1/metrics/", orjson.dumps({"series": series}), content_type="application/json")
    page = client.get("/", {"group": "env"}).content.decode()
    groups = re.findall(r'<details class="host-group" open data-group="([^"]*)">', page)
    assert groups == ["dev", "prod"]
    prod = page[page.index('data-group="prod"') :]
    assert "2 hosts" in prod[: prod.index("</summary>")]
    assert prod.count("host-card ") == 2


def test_a_bad_custom_range_is_reported_on_the_page(client, owner, api):
    client.force_login(owner)
    load(api, 1, time.time())
    page = client.get("/hosts/h000/", {"start": "soonish", "range": "6h"}).content.decode()
    assert 'role="alert">Showing the last 6h: the custom range was not understood' in page
    assert 'value="soonish"' in page  # kept, to be corrected
