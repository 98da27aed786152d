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


def ingest_histogram(host: str = "web-1", route: str = "/a", minutes: int = 10) -> list[int]:
    batch = Batch()
    now = int(time.time())
    for le, add in STEP_ADDS.items():
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


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "is required"),
        ({"series": "x"}, "integer ids"),
        ({"series": "999999"}, "unknown series"),
    ],
)
def test_bad_queries_are_refused(client, viewer, params, message):
    client.force_login(viewer)
    response = client.get(URL, params)
    assert response.status_code == 400 and message in str(response.json())


def test_only_one_histograms_buckets_are_taken(client, viewer):
    first, second = ingest_histogram(route="/a"), ingest_histogram(route="/b")
    count = Series.objects.get(name="latency_seconds_count", labels__route="/a").pk
    client.force_login(viewer)
    for ids in (first + second, [*first, count]):
        response = client.get(URL, {"series": ids_param(ids)})
        assert response.status_code == 400 and "one histogram" in str(response.json())


def test_the_host_page_draws_one_percentile_chart_per_histogram(client, viewer):
    ingest_histogram(route="/a")
    ingest_histogram(route="/b")
    client.force_login(viewer)
    html = client.get("/hosts/web-1/").content.decode()
    assert html.count('data-source="histogram"') == 2
    assert "latency_seconds{route=/a} p50 / p90 / p99" in html
    assert 'data-title="latency_seconds_bucket' not in html
    assert "latency_seconds_count" in html  # the other series keep their charts
