"""Histograms in explore and in saved dashboards: a selection of a metric's bucket series is
charted as p50/p90/p99 (``data-source="histogram"``, raw buckets a click away in charts.js);
anything else keeps its plain chart. Their ``_count`` and ``_sum`` are charted as rates."""

from __future__ import annotations

import re

import pytest

from dashboards.models import Dashboard
from dashboards.tests.test_histograms import ingest_histogram
from metrics.models import Series

pytestmark = pytest.mark.django_db
PANEL = {"title": "Latency", "chart": "line", "name": "latency_seconds_bucket", "host": "$host"}
PANEL |= {"agg": "avg", "step": "", "width": 2, "height": 1}


def explore_chart(client, **params) -> str:
    page = client.get("/explore/", params).content.decode()
    return re.search(r'<div class="hydra-chart chart" id="explore-chart"[^>]*>', page)[0]


def test_explore_charts_a_histograms_buckets_as_percentiles(client, viewer):
    ingest_histogram(route="/a")
    client.force_login(viewer)
    page = client.get("/explore/", {"name": "latency_seconds_bucket", "label.route": "/a"})
    html = page.content.decode()
    assert "4 series match. <span" in html and "The buckets of 1 histogram:" in html
    chart = explore_chart(client, name="latency_seconds_bucket", **{"label.route": "/a"})
    assert 'data-source="histogram"' in chart
    assert 'data-title="latency_seconds p50 / p90 / p99"' in chart
    assert "&quot;label.route&quot;: &quot;/a&quot;" in chart  # the API gets the same query


def test_explore_sums_several_histograms_of_the_metric(client, viewer):
    ingest_histogram(route="/a")
    ingest_histogram(route="/b")
    ingest_histogram(host="web-2")
    client.force_login(viewer)
    html = client.get("/explore/", {"name": "latency_seconds_bucket"}).content.decode()
    assert "The buckets of 3 histograms (summed by <code>le</code>)" in html
    assert 'data-source="histogram"' in explore_chart(client, name="latency_seconds_bucket")


@pytest.mark.parametrize(
    "params",
    [
        {"name": "latency_seconds_bucket", "agg": "max"},  # an aggregation asked for
        {"name": "latency_seconds_count"},  # not buckets
        {"name": "latency_seconds_bucket", "host": "web-9"},  # nothing matches
        {"name": "queue_bucket"},  # a _bucket name without le
    ],
)
def test_other_selections_keep_the_plain_chart(client, viewer, params):
    ingest_histogram()
    Series.objects.create(name="queue_bucket", host="web-1", labels={"queue": "mail"})
    client.force_login(viewer)
    chart = explore_chart(client, **params)
    assert "data-source" not in chart and "data-title" not in chart


def test_too_many_buckets_to_sum_keep_the_plain_chart(client, viewer, monkeypatch):
    monkeypatch.setattr("dashboards.histograms.MAX_BUCKETS", 3)
    ingest_histogram()
    client.force_login(viewer)
    assert "data-source" not in explore_chart(client, name="latency_seconds_bucket")


@pytest.fixture
def board(client, owner) -> Dashboard:
    client.force_login(owner)
    client.post("/dashboards/", {"title": "Web", "range": "1h", "variables": "host=web-1"})
    return Dashboard.objects.get()


def panel_charts(client, board: Dashboard, **params) -> list[str]:
    page = client.get(f"/dashboards/{board.pk}/", params).content.decode()
    return re.findall(r'<div class="hydra-chart"[^>]*>', page)


def test_a_panel_of_a_histograms_buckets_is_drawn_as_percentiles(client, board):
    ingest_histogram(host="web-1")
    for panel in (PANEL, {**PANEL, "chart": "heatmap"}, {**PANEL, "name": "latency_seconds_count"}):
        assert client.post(f"/dashboards/{board.pk}/add-panel/", panel).status_code == 302
    percentiles, heatmap, count = panel_charts(client, board)
    assert 'data-source="histogram"' in percentiles
    assert "&quot;host&quot;: &quot;web-1&quot;" in percentiles  # $host filled in
    assert "data-source" not in heatmap and "data-source" not in count  # raw buckets, a count
    # another host has no such histogram: the panel keeps the plain chart (empty)
    assert all("data-source" not in c for c in panel_charts(client, board, **{"var-host": "x"}))


def test_a_histograms_count_and_sum_are_charted_as_counters_on_the_host_page(client, viewer):
    ingest_histogram()
    Series.objects.filter(name__startswith="latency_seconds").update(type="histogram")
    client.force_login(viewer)
    html = client.get("/hosts/web-1/").content.decode()
    count = re.search(
        r'<div class="hydra-chart chart" data-title="latency_seconds_count[^>]*>', html
    )
    assert count and 'data-type="counter"' in count[0]
