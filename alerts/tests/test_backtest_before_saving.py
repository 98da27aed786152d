"""A rule's backtest before it is saved: ``POST /api/v1/alert-rules/backtest`` with a rule
body, and the admin's "Backtest these settings" on the add page; forecast-breach rules
replay the forecasts stored at the time."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from alerts.models import AlertRule
from alerts.services.backtest import rule_backtest
from alerts.tests.conftest import ingest, make_rule
from alerts.tests.test_admin import form
from forecasting.models import Forecast, ForecastPoint

pytestmark = pytest.mark.django_db
URL = "/api/v1/alert-rules/backtest"


def one_spike() -> None:
    """An hour at one point a minute: 10, but 95 at its 30th minute."""
    now = time.time()
    ingest("cpu.usage", "web-1", [(now - 3600 + i * 60, 95 if i == 30 else 10) for i in range(60)])


def test_an_unsaved_rule_body_is_backtested_and_nothing_is_saved(api):
    one_spike()
    body = {"metric": "cpu.usage", "op": ">", "threshold": 90, "window_seconds": 60}
    response = api.post(URL, body, format="json")
    assert response.status_code == 200, response.json()
    result = response.json()
    assert (result["count"], result["series"], result["days"]) == (1, 1, 7)
    assert result["fired"][0]["series"] == "cpu.usage@web-1"
    assert datetime.fromisoformat(result["fired"][0]["at"]) > datetime.now(UTC) - timedelta(hours=1)
    assert not AlertRule.objects.exists()


def test_the_name_of_a_saved_rule_may_be_reused_and_days_chosen(api):
    one_spike()
    make_rule(name="cpu high")
    body = {"name": "cpu high", "metric": "cpu.usage", "threshold": 90, "window_seconds": 60}
    response = api.post(URL, {**body, "days": 1}, format="json")
    assert response.status_code == 200 and response.json()["days"] == 1
    assert response.json()["count"] == 1


def test_an_invalid_rule_body_says_what_is_wrong(api, token_client):
    response = api.post(URL, {"metric": "cpu.usage", "condition": "threshold"}, format="json")
    assert response.status_code == 400
    assert "needs a threshold" in str(response.json()["threshold"])
    reader = token_client(read_only=True)
    body = {"metric": "cpu.usage", "threshold": 90}
    assert reader.post(URL, body, format="json").status_code == 403


def test_the_admin_add_page_backtests_the_form_without_saving(staff):
    one_spike()
    page = staff.get("/admin/alerts/alertrule/add/").content.decode()
    assert 'id="run-backtest"' in page and "/admin/alerts/alertrule/backtest/" in page
    fragment = staff.post(
        "/admin/alerts/alertrule/backtest/", form(window_seconds=60), HTTP_HX_REQUEST="true"
    )
    assert "Would have fired <strong>1</strong> times over 1 series" in fragment.content.decode()
    bad = staff.post("/admin/alerts/alertrule/backtest/", form(threshold=""))
    assert "needs a threshold" in bad.content.decode()
    assert not AlertRule.objects.exists()


def test_a_forecast_breach_rule_replays_the_forecasts_stored_then():
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    series = ingest("disk.used", "db-1", [(now.timestamp() - 60, 70)])
    for hours_ago, peak in ((30, 80), (20, 95), (10, 85)):  # only the middle one breaches
        made = now - timedelta(hours=hours_ago)
        f = Forecast.objects.create(series=series, horizon_seconds=6 * 3600, step_seconds=3600)
        Forecast.objects.filter(pk=f.pk).update(created_at=made)
        ForecastPoint.objects.bulk_create(
            ForecastPoint(
                forecast=f,
                ts=int((made + timedelta(hours=h)).timestamp() * 1e6),
                yhat=peak - 5,
                yhat_lower=peak - 10,
                yhat_upper=peak,
            )  # fmt: skip
            for h in range(1, 7)
        )
    rule = make_rule(
        metric="disk.used", condition="forecast", op=">", threshold=90, horizon_seconds=3 * 3600
    )
    result = rule_backtest(rule=rule, now=now)
    assert result.count == 1 and "forecasts stored" in result.note
    fired_at = result.fired[0][1]
    assert now - timedelta(hours=20) <= fired_at <= now - timedelta(hours=17)
