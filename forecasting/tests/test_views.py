"""The forecast pages: list, detail (backtest, time to breach), forecast now."""

from __future__ import annotations

import pytest

from forecasting import services
from forecasting.models import Forecast
from forecasting.spec import ForecastSpec

from .conftest import HOUR, hourly, ingest

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("_tasks_inline", "_fresh_series_cache"),
]
AUTO = ForecastSpec(horizon_seconds=6 * HOUR, history_seconds=7 * 86400, model="auto")


@pytest.fixture
def browser(client, teammate):
    client.force_login(teammate)
    return client


@pytest.fixture
def forecast():
    series = ingest("cpu.usage", "web-1", hourly(days=5, slope=0.5))
    return services.forecast_run(series=series, spec=AUTO)


def test_the_list_shows_each_forecast_series_with_its_accuracy(browser, forecast):
    page = browser.get("/forecasts/").content.decode()
    assert "cpu.usage@web-1" in page and forecast.model in page
    assert "sMAPE" in page and f"/forecasts/{forecast.series_id}/run/" in page


def test_the_detail_shows_the_backtest_and_the_chart(browser, forecast):
    page = browser.get(f"/forecasts/{forecast.series_id}/").content.decode()
    assert 'id="forecast-chart"' in page and 'id="backtest-table"' in page
    assert "seasonal_naive" in page and "forecasting/forecast.js" in page


def test_time_to_breach_answers_in_a_fragment(browser, forecast):
    url = f"/forecasts/{forecast.series_id}/?threshold=1000&direction=%3E&bound=upper"
    fragment = browser.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Does not cross 1000" in fragment and "<html" not in fragment
    low = browser.get(url.replace("1000", "-1000").replace("%3E", "%3C"), HTTP_HX_REQUEST="true")
    assert "Does not cross" in low.content.decode()
    crossing = browser.get(url.replace("1000", "0"), HTTP_HX_REQUEST="true").content.decode()
    assert "Crosses 0.0 at" in crossing


def test_a_bad_threshold_is_explained(browser, forecast):
    url = f"/forecasts/{forecast.series_id}/?threshold=lots&direction=%3E"
    assert "Enter a number" in browser.get(url, HTTP_HX_REQUEST="true").content.decode()


def test_forecast_now_from_the_page_runs_a_forecast(browser, django_capture_on_commit_callbacks):
    series = ingest("cpu.usage", "web-1", hourly(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(f"/forecasts/{series.pk}/run/", HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert "Forecast queued" in fragment and 'class="run-now"' in fragment  # can run again
    assert Forecast.objects.filter(series=series, status="ok").count() == 1


def test_a_failed_run_is_shown_on_the_page(browser):
    series = ingest("cpu.usage", "web-1", hourly(days=0.2))
    services.forecast_run(series=series, spec=AUTO)
    page = browser.get(f"/forecasts/{series.pk}/").content.decode()
    assert 'data-status="error"' in page and "failed: history too short" in page


def test_unknown_series_are_404_and_run_needs_post(browser):
    assert browser.get("/forecasts/999999/").status_code == 404
    assert browser.get("/forecasts/1/run/").status_code == 405
