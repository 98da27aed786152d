"""The scheduler end to end: ingest → due configs → one task per series → stored → API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from forecasting import services, tasks
from forecasting.models import Forecast, ForecastConfig
from metrics.models import Series

from .conftest import HOUR, hourly, ingest

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("_tasks_inline", "_fresh_series_cache"),
]
SMALL = {"horizon_seconds": 6 * HOUR, "history_seconds": 7 * 86400, "model": "seasonal_naive"}


def test_ingest_then_the_due_task_stores_a_forecast_the_api_and_page_show(api, client, owner):
    body = {"series": [{"name": "cpu.usage", "host": "web-1", "points": hourly(days=4)}]}
    assert api.post("/api/v1/metrics/", body, format="json").status_code == 201
    ForecastConfig.objects.create(metric="cpu.usage", host_pattern="web-*", **SMALL)
    assert tasks.run_due_forecasts.delay().get() == 1
    series = Series.objects.get(name="cpu.usage", host="web-1")
    forecast = Forecast.objects.get(series=series)
    assert forecast.status == "ok"
    response = api.get(f"/api/v1/predictions/?series={series.pk}")
    assert response.status_code == 200
    assert response.json()["model"] == "seasonal_naive" and len(response.json()["points"]) == 6
    by_name = api.get("/api/v1/predictions/?name=cpu.usage&host=web-1")
    assert by_name.json()["forecast"] == forecast.pk
    client.force_login(owner)
    page = client.get(f"/forecasts/{series.pk}/").content.decode()
    assert "seasonal_naive" in page and f'data-series-id="{series.pk}"' in page


def test_a_failing_series_is_recorded_while_the_others_succeed():
    ingest("cpu.usage", "web-1", hourly(days=4))
    ingest("cpu.usage", "web-2", hourly(days=0.2))  # too short to forecast
    ingest("cpu.usage", "web-3", hourly(days=4))
    ForecastConfig.objects.create(metric="cpu.usage", **SMALL)
    assert services.forecasts_schedule() == 3
    status = dict(Forecast.objects.values_list("series__host", "status"))
    assert status == {"web-1": "ok", "web-2": "error", "web-3": "ok"}
    assert "too short" in Forecast.objects.get(series__host="web-2").error


def test_a_claimed_config_is_not_run_again_until_its_next_run():
    ingest("cpu.usage", "web-1", hourly(days=3))
    config = ForecastConfig.objects.create(metric="cpu.usage", **SMALL)
    now = timezone.now()
    assert services.forecasts_schedule(now=now) == 1
    assert services.forecasts_schedule(now=now) == 0  # an overlapping run finds nothing due
    config.refresh_from_db()
    assert config.next_run_at == now + timedelta(hours=1)
    assert services.forecasts_schedule(now=now + timedelta(hours=1)) == 1
    assert Forecast.objects.count() == 2


def test_a_series_config_wins_over_a_selector_and_disabled_means_off():
    web1 = ingest("cpu.usage", "web-1", hourly(days=3))
    ingest("cpu.usage", "web-2", hourly(days=3))
    ForecastConfig.objects.create(metric="cpu.usage", **SMALL)
    ForecastConfig.objects.create(series=web1, enabled=False, **SMALL)
    assert services.forecasts_schedule() == 1
    assert list(Forecast.objects.values_list("series__host", flat=True)) == ["web-2"]


def test_the_prune_task_keeps_the_configured_number(settings):
    settings.HYDRA_FORECAST_KEEP = 1
    series = ingest("cpu.usage", "web-1", hourly(days=3))
    config = ForecastConfig.objects.create(series=series, **SMALL)
    for _ in range(3):
        tasks.forecast_series.delay(series.pk, config.pk)
    assert tasks.prune_forecasts.delay().get() == 2
    assert Forecast.objects.filter(series=series).count() == 1


def test_a_task_for_a_deleted_series_does_nothing():
    assert tasks.forecast_series.delay(999_999).get() is None
    assert Forecast.objects.count() == 0
