"""Classic histograms as percentiles: the host page draws one p50/p90/p99 chart per
histogram (not a chart per bucket), from /api/v1/histogram-quantiles/ (PromQL's
histogram_quantile over the buckets' rates)."""

from __future__ import annotations

import time

import pytest

from metrics.ingest import Batch
from metrics.models import Series
from metrics.services import points_ingest

pytestmark = pytest.mark.django_db
URL = "/api/v1/histogram-quantiles/"
# per 15 s: 5 requests ≤ 0.1 s, 3 in (0.1, 0.5], 2 in (0.5, 1]
STEP_ADDS = {"0.1": 5, "0.5": 8, "1": 10, "+Inf": 10}


def ingest_histogram(
    host: str = "web-1", route: str = "/a", minutes: int = 10, adds: dict | None = None
) -> list[int]:
    batch = Batch()
    now = int(time.time())
    for le, add in (adds or STEP_ADDS).items():
        key = ("latency_seconds_bucket", host, (("le", le), ("route", route)))
        pos = batch.series_position(key)
        for i, t in enumerate(range(now - minutes * 60, now, 15)):
            batch.add(pos, t * 1_000_000, float(add * (i + 1)))
    points_ingest(batch=batch)
    pos = batch.series_position(("latency_seconds_count", host, (("route", route),)))
    batch.add(pos, now * 1_000_000, 1.0)
    points_ingest(batch=batch)
    return list(Series.objects.filter(name="latency_seconds_bucket", labels__route=route)
                .values_list("pk", flat=True))  # fmt: skip


def ids_param(ids: list[int]) -> str:
    return ",".join(map(str, ids))


def test_the_percentiles_follow_histogram_quantile(client, viewer):
    ids = ingest_histogram()
    client.force_login(viewer)
    response = client.get(URL, {"series": ids_param(ids), "start": "-5m", "step": "30s"})
    assert response.status_code == 200, response.json()
    by_name = {s["name"]: s for s in response.json()["series"]}
    assert set(by_name) == {"latency_seconds p50", "latency_seconds p90", "latency_seconds p99"}
    for name, expected in (("p50", 0.1), ("p90", 0.75), ("p99", 0.975)):
        values = [v for _, v in by_name[f"latency_seconds {name}"]["points"]]
        assert values and all(v == pytest.approx(expected) for v in values), (name, values)
    assert by_name["latency_seconds p50"]["labels"] == {"route": "/a"}


def test_a_histogram_is_selected_by_name_and_labels_as_in_the_query_api(client, viewer):
    ids = ingest_histogram(route="/a")
    ingest_histogram(route="/b")
    client.force_login(viewer)
    window = {"start": "-5m", "step": "30s"}
    by_ids = client.get(URL, {"series": ids_param(ids), **window}).json()
    selected = {"name": "latency_seconds_bucket", "host": "web-1", "label.route": "/a"}
    by_name = client.get(URL, {**selected, **window}).json()
    assert by_name == by_ids and len(by_name["series"]) == 3


def test_several_histograms_of_a_metric_are_summed_by_le(client, viewer):
    ingest_histogram(route="/a")
    ingest_histogram(route="/b", adds={"0.1": 10, "0.5": 10, "1": 10, "+Inf": 10})
    client.force_login(viewer)
    response = client.get(URL, {"name": "latency_seconds_bucket", "start": "-5m", "step": "30s"})
    assert response.status_code == 200, response.json()
    by_name = {s["name"]: s for s in response.json()["series"]}
    # per 15 s, both routes: 15 requests ≤ 0.1 s, 18 ≤ 0.5 s, 20 ≤ 1 s
    for name, expected in (("p50", 0.1 * 10 / 15), ("p90", 0.5), ("p99", 0.95)):
        values = [v for _, v in by_name[f"latency_seconds {name}"]["points"]]
        assert values and all(v == pytest.approx(expected) for v in values), (name, values)
    assert by_name["latency_seconds p50"]["labels"] == {}  # the routes differ
    assert by_name["latency_seconds p50"]["host"] == "web-1"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "is required"),
        ({"series": "x"}, "integer ids"),
        ({"series": "999999"}, "unknown series"),
        ({"name": "latency_seconds_bucket", "host": "web-9"}, "no series match"),
        ({"name": "latency_seconds_count"}, "_bucket series (with le)"),
    ],
)
def test_bad_queries_are_refused(client, viewer, params, message):
    ingest_histogram()
    client.force_login(viewer)
    response = client.get(URL, params)
    assert response.status_code == 400 and message in str(response.json())


def test_only_bucket_series_of_one_metric_are_taken(client, viewer):
    buckets = ingest_histogram(route="/a")
    count = Series.objects.get(name="latency_seconds_count", labels__route="/a").pk
    other = Series.objects.create(name="size_bytes_bucket", host="web-1", labels={"le": "1"}).pk
    client.force_login(viewer)
    for ids in ([*buckets, count], [*buckets, other]):
        response = client.get(URL, {"series": ids_param(ids)})
        assert response.status_code == 400 and "one metric" in str(response.json())


def test_too_many_bucket_series_are_refused(client, viewer, monkeypatch):
    monkeypatch.setattr("dashboards.api.MAX_BUCKETS", 3)
    ingest_histogram()
    client.force_login(viewer)
    response = client.get(URL, {"name": "latency_seconds_bucket"})
    assert response.status_code == 400 and "at most 3 bucket series" in str(response.json())


def test_the_host_page_draws_one_percentile_chart_per_histogram(client, viewer):
    ingest_histogram(route="/a")
    ingest_histogram(route="/b")
    client.force_login(viewer)
    html = client.get("/hosts/web-1/").content.decode()
    assert html.count('data-source="histogram"') == 2
    assert "latency_seconds{route=/a} p50 / p90 / p99" in html
    assert 'data-title="latency_seconds_bucket' not in html
    assert "latency_seconds_count" in html  # the other series keep their charts
