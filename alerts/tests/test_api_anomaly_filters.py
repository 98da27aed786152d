"""``GET /api/v1/anomalies/`` filters charts use: several series, a time window, dismissed."""

from __future__ import annotations

import time

import pytest

from alerts.models import Anomaly
from alerts.tests.conftest import ingest

pytestmark = pytest.mark.django_db
US = 1_000_000


@pytest.fixture
def stored():
    """Three series; anomalies at now-3h, now-1h (dismissed) and now-10m."""
    now = time.time()
    s1, s2, s3 = (ingest("cpu.usage", f"web-{i}", [(now, 1)]) for i in range(3))
    make = Anomaly.objects.create
    return {
        "series": (s1, s2, s3),
        "now": now,
        "old": make(series=s1, ts=int((now - 3 * 3600) * US), detector="d", value=9, score=0.7),
        "dismissed": make(
            series=s1, ts=int((now - 3600) * US), detector="d", value=9, score=0.8, dismissed=True
        ),
        "recent": make(
            series=s2,
            ts=int((now - 600) * US),
            detector="d",
            value=5,
            score=0.9,
            expected=2,
            lower=1,
            upper=3,
        ),  # fmt: skip
        "other": make(series=s3, ts=int((now - 600) * US), detector="d", value=5, score=0.9),
    }


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [a["id"] for a in response.json()["results"]]


def test_several_series_at_once(api, stored):
    s1, s2, _ = stored["series"]
    found = ids(api.get(f"/api/v1/anomalies/?series={s1.pk},{s2.pk}"))
    assert found == [stored["recent"].pk, stored["dismissed"].pk, stored["old"].pk]


def test_a_time_window_in_epoch_seconds_or_relative(api, stored):
    s1, s2, _ = stored["series"]
    now = stored["now"]
    query = f"series={s1.pk},{s2.pk}&start={now - 2 * 3600}&end={now}"
    assert ids(api.get(f"/api/v1/anomalies/?{query}")) == [
        stored["recent"].pk,
        stored["dismissed"].pk,
    ]
    assert ids(api.get(f"/api/v1/anomalies/?series={s1.pk}&start=-2h")) == [stored["dismissed"].pk]
    assert ids(api.get(f"/api/v1/anomalies/?series={s1.pk}&end=-2h")) == [stored["old"].pk]


def test_dismissed_or_not(api, stored):
    s1, s2, _ = stored["series"]
    base = f"/api/v1/anomalies/?series={s1.pk},{s2.pk}"
    assert ids(api.get(f"{base}&dismissed=false")) == [stored["recent"].pk, stored["old"].pk]
    assert ids(api.get(f"{base}&dismissed=true")) == [stored["dismissed"].pk]


def test_the_band_and_score_are_in_each_anomaly(api, stored):
    _, s2, _ = stored["series"]
    [row] = api.get(f"/api/v1/anomalies/?series={s2.pk}").json()["results"]
    assert (row["score"], row["expected"], row["lower"], row["upper"]) == (0.9, 2, 1, 3)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("series=abc", "series"),
        ("series=1,,2", "series"),
        ("start=yesterday", "start"),
        ("end=soon", "end"),
        ("start=-1h&end=-2h", "end"),
        ("dismissed=maybe", "dismissed"),
    ],
)
def test_bad_filters_say_what_is_wrong(api, stored, query, field):
    response = api.get(f"/api/v1/anomalies/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_a_single_anomaly_is_still_read_by_id(api, stored):
    response = api.get(f"/api/v1/anomalies/{stored['old'].pk}/")
    assert response.status_code == 200 and response.json()["score"] == 0.7


def test_outsiders_get_nothing(client, stored):
    assert client.get("/api/v1/anomalies/").status_code in (401, 403)
