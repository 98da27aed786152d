"""Anomalies in the pages: listed on /alerts/, /alerts/anomalies/ and an alert's page;
"not an anomaly" and its undo in place, with the series' sensitivity shown."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from alerts.models import Alert, Anomaly, DetectorState
from alerts.sensitivity import FEEDBACK_STEP
from alerts.tests.conftest import ingest, make_rule

pytestmark = pytest.mark.django_db
US = 1_000_000
T = datetime(2026, 11, 20, 12, 0, tzinfo=UTC).timestamp()


def anomaly(series, minutes_ago: int = 0, **fields) -> Anomaly:
    defaults = {"value": 97.5, "score": 0.91, "expected": 52.25, "lower": 40.5, "upper": 64.0}
    return Anomaly.objects.create(
        series=series,
        ts=int((T - 60 * minutes_ago) * US),
        detector="hydra",
        **{**defaults, **fields},
    )


@pytest.fixture
def cpu():
    series = ingest("cpu.usage", "web-1", [(T - 10, 50)], {"region": "eu"})
    DetectorState.objects.create(series=series, detector="hydra", state={}, sensitivity=0.5)
    return series


def row(page: str, pk: int) -> str:
    start = page.index(f'id="anomaly-{pk}"')
    return page[start : page.index("</tr>", start)]


def test_the_alerts_page_lists_recent_anomalies_with_value_expectation_and_band(
    client, owner, cpu, django_assert_num_queries
):
    found = anomaly(cpu)
    client.force_login(owner)
    with django_assert_num_queries(9):  # session, user, permissions (2), role, alerts,
        # anomalies, rules, dismissals
        page = client.get("/alerts/").content.decode()
    html = row(page, found.pk)
    assert "web-1" in html and "cpu.usage" in html and "region=eu" in html
    assert "2026-11-20 12:00:00" in html
    assert (
        "97.500" in html and "52.250" in html and "40.500&nbsp;…&nbsp;64" in html and "0.91" in html
    )
    assert "Not an anomaly" in html and "0.50" in html


def test_not_an_anomaly_lowers_the_series_sensitivity_in_place_and_undo_restores_it(
    client, owner, cpu
):
    first, second = anomaly(cpu), anomaly(cpu, minutes_ago=5)
    client.force_login(owner)
    response = client.post(f"/alerts/anomalies/{first.pk}/dismiss/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    lowered = f"{0.5 - FEEDBACK_STEP:.2f}"
    assert html.lstrip().startswith(f'<tr id="anomaly-{first.pk}"') and "Undo" in html
    assert "not an anomaly (alice)" in html and f"{lowered} " in html
    assert f'hx-swap-oob="innerHTML:.sensitivity-series-{cpu.pk}"' in html  # the other rows
    first.refresh_from_db()
    assert first.dismissed and first.dismissed_by == owner and first.dismissed_at is not None
    assert DetectorState.objects.get().sensitivity == pytest.approx(0.5 - FEEDBACK_STEP)
    assert f"{lowered} " in row(client.get("/alerts/").content.decode(), second.pk)

    html = client.post(f"/alerts/anomalies/{first.pk}/undo/").content.decode()
    assert "Not an anomaly" in html and "0.50" in html and "lowered" not in html
    first.refresh_from_db()
    assert not first.dismissed and first.dismissed_by is None
    assert DetectorState.objects.get().sensitivity == pytest.approx(0.5)


def test_dismissing_twice_lowers_once_and_keeps_the_first_record(client, owner, teammate, cpu):
    found = anomaly(cpu)
    client.force_login(owner)
    client.post(f"/alerts/anomalies/{found.pk}/dismiss/")
    client.force_login(teammate)
    client.post(f"/alerts/anomalies/{found.pk}/dismiss/")
    found.refresh_from_db()
    assert found.dismissed_by == owner
    assert DetectorState.objects.get().sensitivity == pytest.approx(0.5 - FEEDBACK_STEP)


def test_the_base_sensitivity_is_the_anomaly_rules(client, owner, cpu):
    make_rule(condition="anomaly", threshold=None, sensitivity=0.8)
    found = anomaly(cpu)
    client.force_login(owner)
    html = client.post(f"/alerts/anomalies/{found.pk}/dismiss/").content.decode()
    assert f"{0.8 - FEEDBACK_STEP:.2f} " in html and "lowered from 0.80" in html
    assert DetectorState.objects.get().sensitivity == pytest.approx(0.8 - FEEDBACK_STEP)


def test_the_anomalies_page_filters_by_status_and_series(client, owner, cpu):
    other = ingest("cpu.usage", "web-2", [(T - 10, 50)])
    kept, dismissed, elsewhere = anomaly(cpu), anomaly(cpu, 5, dismissed=True), anomaly(other)
    client.force_login(owner)
    page = client.get("/alerts/anomalies/", {"show": "open"}).content.decode()
    assert f'id="anomaly-{kept.pk}"' in page and f'id="anomaly-{elsewhere.pk}"' in page
    assert f'id="anomaly-{dismissed.pk}"' not in page
    fragment = client.get(
        "/alerts/anomalies/", {"show": "dismissed", "series": cpu.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert fragment.lstrip().startswith("<table") and "<html" not in fragment
    assert f'id="anomaly-{dismissed.pk}"' in fragment and f'id="anomaly-{kept.pk}"' not in fragment
    bad = client.get("/alerts/anomalies/", {"show": "nonsense", "series": "x"})
    assert bad.status_code == 200 and f'id="anomaly-{elsewhere.pk}"' in bad.content.decode()


def test_an_anomaly_links_to_its_host_and_to_explore_around_its_time(client, owner, cpu):
    found = anomaly(cpu)
    client.force_login(owner)
    html = row(client.get("/alerts/anomalies/").content.decode(), found.pk)
    assert 'href="/hosts/web-1/"' in html
    url = found.explore_url().replace("&amp;", "&")
    assert url.replace("&", "&amp;") in html
    query = parse_qs(urlsplit(url).query)
    assert urlsplit(url).path == "/explore/"
    assert query["name"] == ["cpu.usage"] and query["host"] == ["web-1"]
    assert query["label.region"] == ["eu"]
    assert int(query["start"][0]) < T < int(query["end"][0])


def test_the_alert_page_lists_the_anomalies_of_its_series_only(client, owner, cpu):
    other = ingest("cpu.usage", "web-2", [(T - 10, 50)])
    mine, theirs = anomaly(cpu), anomaly(other)
    rule = make_rule(condition="anomaly", threshold=None)
    alert = Alert.objects.create(rule=rule, series=cpu, state="firing", since=datetime.now(UTC))
    client.force_login(owner)
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Anomalies on this series" in page
    assert f'id="anomaly-{mine.pk}"' in page and f'id="anomaly-{theirs.pk}"' not in page


def test_feedback_needs_login_post_csrf_and_an_existing_anomaly(client, owner, cpu):
    found = anomaly(cpu)
    url = f"/alerts/anomalies/{found.pk}/dismiss/"
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(owner)
    assert client.get(url).status_code == 405
    assert client.post("/alerts/anomalies/999999/dismiss/").status_code == 404
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    assert strict.post(url).status_code == 403
    found.refresh_from_db()
    assert not found.dismissed
    assert DetectorState.objects.get().sensitivity == 0.5
