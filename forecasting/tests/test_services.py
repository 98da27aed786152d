"""forecast_run, time to breach and pruning, on real (test) databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from forecasting import services
from forecasting.models import Forecast, ForecastPoint
from forecasting.selectors import latest_forecast
from forecasting.spec import ForecastSpec
from metrics.selectors import latest_ts

from .conftest import HOUR, hourly, ingest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_fresh_series_cache")]
SMALL = ForecastSpec(horizon_seconds=6 * HOUR, history_seconds=7 * 86400, model="seasonal_naive")


def test_it_stores_a_forecast_with_its_points_after_the_history():
    series = ingest("cpu.usage", "web-1", hourly(days=4))
    forecast = services.forecast_run(series=series, spec=SMALL)
    forecast.refresh_from_db()
    assert forecast.status == "ok" and forecast.model == "seasonal_naive"
    rows = forecast.point_rows()
    assert len(rows) == 6
    assert rows[0][0] == latest_ts(series_id=series.pk) / 1e6 + HOUR
    assert all(lo <= y <= hi for _, y, lo, hi in rows)
    assert forecast.params["model"] == "seasonal_naive" and forecast.params["periods"] == [24]


def test_auto_stores_its_backtest_scores():
    series = ingest("cpu.usage", "web-1", hourly(days=5))
    spec = ForecastSpec(horizon_seconds=6 * HOUR, history_seconds=7 * 86400, model="auto")
    forecast = services.forecast_run(series=series, spec=spec)
    assert forecast.model.startswith("auto:")
    assert set(forecast.metrics["backtest"]) >= {"ets", "seasonal_naive"}
    assert forecast.metrics["smape"] >= 0 and forecast.metrics["mase"] >= 0


def test_a_failing_series_is_recorded_with_its_error():
    series = ingest("cpu.usage", "web-1", hourly(days=0.2))  # 4 points: too short
    forecast = services.forecast_run(series=series, spec=SMALL)
    forecast.refresh_from_db()
    assert forecast.status == "error" and "too short" in forecast.error
    assert not ForecastPoint.objects.filter(forecast=forecast).exists()
    assert latest_forecast(series) is None


def test_time_to_breach_on_a_linear_trend():
    end = datetime(2026, 11, 20, tzinfo=UTC).timestamp()
    points = [(end - (71 - i) * HOUR, 10.0 + i) for i in range(72)]  # +1 per hour, last 81
    series = ingest("disk.used", "db-1", points)
    spec = ForecastSpec(horizon_seconds=24 * HOUR, history_seconds=3 * 86400, model="linear_ar")
    forecast = services.forecast_run(series=series, spec=spec)
    when = services.forecast_time_to_breach(forecast=forecast, threshold=90.5, direction=">")
    expected = datetime.fromtimestamp(end, tz=UTC) + timedelta(hours=9.5)
    assert when is not None and abs((when - expected).total_seconds()) < 1800
    never = services.forecast_time_to_breach(forecast=forecast, threshold=0.0, direction="<")
    assert never is None


def test_pruning_keeps_the_newest_forecasts_per_series():
    a = ingest("cpu.usage", "web-1", hourly(days=3))
    b = ingest("cpu.usage", "web-2", hourly(days=3))
    runs = [services.forecast_run(series=a, spec=SMALL) for _ in range(4)]
    services.forecast_run(series=b, spec=SMALL)
    assert services.forecasts_prune(keep=2) == 2
    kept = set(Forecast.objects.filter(series=a).values_list("id", flat=True))
    assert kept == {runs[2].pk, runs[3].pk}
    assert Forecast.objects.filter(series=b).count() == 1
    assert not ForecastPoint.objects.filter(forecast_id__in=[runs[0].pk, runs[1].pk]).exists()


def test_the_latest_forecast_iterates_as_the_alerts_hook_expects():
    series = ingest("cpu.usage", "web-1", hourly(days=3))
    services.forecast_run(series=series, spec=SMALL)
    rows = list(latest_forecast(series))
    assert len(rows) == 6 and len(rows[0]) == 4
