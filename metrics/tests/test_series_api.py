"""GET /api/v1/series/: pages, their totals and links, and the row shape."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/series/"


@pytest.fixture
def five(api, now):
    body = {
        "series": [
            {
                "name": "cpu",
                "host": f"h{i}",
                "labels": {"dc": "eu", "rack": str(i)},
                "points": [[now - i, i]],
            }
            for i in range(5)
        ]
    }
    assert (
        api.post(
            "/api/v1/metrics/", orjson.dumps(body), content_type="application/json"
        ).status_code
        == 201
    )
    api.get(URL)  # the token is looked up once, then remembered


def test_a_page_comes_with_its_total_and_links_in_one_query(api, five, django_assert_num_queries):
    with django_assert_num_queries(1):
        body = api.get(URL, {"page_size": 2, "page": 2}).json()
    assert body["count"] == 5
    assert [r["host"] for r in body["results"]] == ["h2", "h3"]
    assert "page=3" in body["next"] and body["previous"].endswith("/series/?page_size=2")
    last = api.get(URL, {"page_size": 2, "page": 3}).json()
    assert [r["host"] for r in last["results"]] == ["h4"] and last["next"] is None


@pytest.mark.parametrize(
    "page", ["4", "0", "-1", "x", "1.5", "922337203685477580", "9223372036854775807", "1e30"]
)
def test_a_page_that_does_not_exist_is_404(api, five, page):
    response = api.get(URL, {"page_size": 2, "page": page})
    assert response.status_code == 404
    assert response.json()["detail"] == "Invalid page."


def test_no_match_is_an_empty_first_page(api, five, django_assert_num_queries):
    with django_assert_num_queries(2):  # the empty page, then the count
        body = api.get(URL, {"name": "nothing"}).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_a_row_matches_the_detail_to_the_microsecond(api, now):
    ts = now * 1_000_000 - 123_457  # µs since epoch, with a fraction of a second
    body = {"series": [{"name": "m", "labels": {"b": "2", "a": "1"}, "points": [[ts, 1.5]]}]}
    api.post("/api/v1/metrics/", orjson.dumps(body), content_type="application/json")
    (row,) = api.get(URL).json()["results"]
    expected = datetime.fromtimestamp(ts // 10**6, UTC).replace(microsecond=ts % 10**6)
    assert row["last_ts"] == expected.isoformat().replace("+00:00", "Z")
    assert row["last_epoch"] == ts / 1e6 and row["labels"] == {"a": "1", "b": "2"}
    assert api.get(f"{URL}{row['id']}/").json() == row


def test_a_whole_second_has_no_fraction(api, now):
    api.post(
        "/api/v1/metrics/",
        orjson.dumps({"name": "m", "value": 1, "timestamp": now}),
        content_type="application/json",
    )
    (row,) = api.get(URL).json()["results"]
    assert row["last_ts"] == datetime.fromtimestamp(now, UTC).isoformat().replace("+00:00", "Z")


def test_a_browser_still_gets_the_browsable_api(api, five):
    response = api.get(URL, HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and b"h4" in response.content
    assert response["Content-Type"].startswith("text/html")


def test_rows_carry_type_unit_and_help_and_filter_by_type(api, five):
    from metrics.models import Series

    Series.objects.filter(host="h1").update(type="counter", unit="seconds", help="CPU time")
    response = api.get(URL, {"type": "counter"})
    (row,) = response.json()["results"]
    assert (row["host"], row["type"], row["unit"], row["help"]) == (
        "h1",
        "counter",
        "seconds",
        "CPU time",
    )
    assert row["description"] == "CPU time"  # the old name, kept for existing clients
    assert api.get(URL, {"type": "gauge"}).json()["count"] == 0
    assert api.get(f"{URL}{row['id']}/").json() == row


def test_a_page_past_what_sql_can_offset_is_404_not_503(api, five):
    response = api.get(URL, {"page": "922337203685477580"})  # x 100 rows: past 2**63
    assert response.status_code == 404 and response.json()["detail"] == "Invalid page."
