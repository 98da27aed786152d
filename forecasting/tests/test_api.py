"""The forecasting API: predictions, run now, configs; outsiders."""

from __future__ import annotations

import time

import pytest
from rest_framework.test import APIClient

from forecasting import services
from forecasting.models import Forecast, ForecastConfig
from forecasting.spec import ForecastSpec
from metrics.selectors import latest_ts

from .conftest import HOUR, hourly, ingest

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("_tasks_inline", "_fresh_series_cache"),
]
SMALL = ForecastSpec(horizon_seconds=6 * HOUR, history_seconds=7 * 86400, model="seasonal_naive")


def test_predictions_follow_the_contract(api):
    series = ingest("cpu.usage", "web-1", hourly(days=3))
    services.forecast_run(series=series, spec=SMALL)
    body = api.get(f"/api/v1/predictions/?series={series.pk}").json()
    assert {"series", "model", "created_at", "metrics", "reliable", "reasons", "points"} <= set(
        body
    )
    ts, yhat, lower, upper = body["points"][0]
    assert ts == latest_ts(series_id=series.pk) / 1e6 + HOUR and lower <= yhat <= upper
    assert body["levels"] == [0.8, 0.95] and len(body["band_95"]) == len(body["points"])
    ts95, lower95, upper95 = body["band_95"][0]
    assert ts95 == ts and lower95 <= lower and upper <= upper95


def test_no_forecast_yet_is_a_404_that_says_how_to_get_one(api):
    series = ingest("cpu.usage", "web-1", hourly(days=3))
    response = api.get(f"/api/v1/predictions/?series={series.pk}")
    assert response.status_code == 404 and "predictions/run" in response.json()["detail"]
    assert api.get("/api/v1/predictions/?series=999999").status_code == 404
    assert api.get("/api/v1/predictions/").status_code == 400


def test_run_now_queues_a_forecast(api, django_capture_on_commit_callbacks):
    series = ingest("cpu.usage", "web-1", hourly(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/predictions/run",
            {"series": series.pk, "model": "seasonal_naive", "horizon_seconds": 3 * HOUR},
            format="json",
        )
    assert (
        response.status_code == 202 and response.json()["settings"]["horizon_seconds"] == 3 * HOUR
    )
    forecast = Forecast.objects.get(series=series)
    assert forecast.model == "seasonal_naive" and forecast.points.count() == 3
    assert response.json()["run"]["id"] == forecast.pk


def test_a_failed_run_is_reported_with_its_reason(api, django_capture_on_commit_callbacks):
    series = ingest("cpu.usage", "web-1", hourly(days=0.2))  # 4 hourly points: too short
    body = {"series": series.pk, "step_seconds": HOUR}
    with django_capture_on_commit_callbacks(execute=True):
        queued = api.post("/api/v1/predictions/run", body, format="json")
    assert queued.json()["run"]["status"] == "queued"
    response = api.get(f"/api/v1/predictions/?series={series.pk}")
    assert response.status_code == 404
    last = response.json()["last_run"]
    assert last["id"] == queued.json()["run"]["id"] and last["status"] == "error"
    assert "too short" in last["message"] and "last run failed" in response.json()["detail"]


def test_the_latest_forecast_names_a_newer_failed_run(api):
    series = ingest("cpu.usage", "web-1", hourly(days=3))
    ok = services.forecast_run(series=series, spec=SMALL)
    failed = services.forecast_run(series=series, spec=SMALL.with_overrides({"model": "theta"}))
    failed.status, failed.error = "error", "RuntimeError: boom"
    failed.save()
    body = api.get(f"/api/v1/predictions/?series={series.pk}").json()
    assert body["forecast"] == ok.pk
    assert body["last_run"]["id"] == failed.pk and body["last_run"]["status"] == "error"


def test_time_to_breach_is_in_the_api(api):
    end = (time.time() // HOUR) * HOUR
    series = ingest("disk.used", "db-1", [(end - (71 - i) * HOUR, 10.0 + i) for i in range(72)])
    spec = ForecastSpec(horizon_seconds=24 * HOUR, history_seconds=3 * 86400, model="linear_ar")
    services.forecast_run(series=series, spec=spec)
    url = f"/api/v1/predictions/?series={series.pk}&threshold=90.5"
    breach = api.get(url).json()["breach"]
    assert breach["threshold"] == 90.5 and breach["direction"] == ">" and breach["bound"] == "yhat"
    assert abs(breach["in_seconds"] - 9.5 * HOUR) < 1800 + (time.time() - end)
    never = api.get(url.replace("90.5", "-1") + "&direction=%3C").json()["breach"]
    assert never["at"] is None and never["in_seconds"] is None
    assert "breach" not in api.get(f"/api/v1/predictions/?series={series.pk}").json()
    assert api.get(url + "&bound=middle").status_code == 400


def test_run_now_rejects_bad_overrides_with_a_clear_message(api):
    series = ingest("cpu.usage", "web-1", hourly(days=3))
    body = {"series": series.pk, "horizon_seconds": 30 * 86400, "history_seconds": 86400}
    response = api.post("/api/v1/predictions/run", body, format="json")
    assert response.status_code == 400
    assert "at least as long as the horizon" in str(response.json())
    assert Forecast.objects.count() == 0


def test_a_read_only_token_may_read_but_not_run(token_client):
    series = ingest("cpu.usage", "web-1", hourly(days=3))
    reader = token_client(read_only=True)
    response = reader.post("/api/v1/predictions/run", {"series": series.pk}, format="json")
    assert response.status_code == 403
    assert reader.get(f"/api/v1/predictions/?series={series.pk}").status_code == 404
    assert Forecast.objects.count() == 0


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/predictions/?series=1"),
        ("post", "/api/v1/predictions/run"),
        ("get", "/api/v1/forecast-configs/"),
    ],
)
def test_anonymous_clients_get_401(method, url):
    response = getattr(APIClient(), method)(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 401


def test_configs_are_created_and_bad_ones_rejected_with_a_clear_message(api):
    good = {"metric": "cpu.usage", "host_pattern": "web-*", "horizon_seconds": 86400}
    response = api.post("/api/v1/forecast-configs/", good, format="json")
    assert response.status_code == 201, response.json()
    bad_cases = [
        ({"horizon_seconds": 30 * 86400}, "history_seconds", "at least as long as the horizon"),
        ({"step_seconds": 7}, "step_seconds", "must divide a day"),
        ({"step_seconds": 60, "horizon_seconds": 3 * 86400}, "horizon_seconds", "at most 2016"),
        ({"metric": ""}, "metric", "either a series or a metric"),
    ]
    for change, field, message in bad_cases:
        response = api.post("/api/v1/forecast-configs/", {**good, **change}, format="json")
        assert response.status_code == 400 and message in response.json()[field][0], change
    assert ForecastConfig.objects.count() == 1


def test_a_config_update_is_validated_against_its_current_values(api):
    config = ForecastConfig.objects.create(metric="cpu.usage", horizon_seconds=86400)
    url = f"/api/v1/forecast-configs/{config.pk}/"
    assert api.patch(url, {"history_seconds": 3600}, format="json").status_code == 400
    assert api.patch(url, {"model": "theta"}, format="json").status_code == 200
    config.refresh_from_db()
    assert config.model == "theta" and config.history_seconds == 14 * 86400
