"""A forecast run from request to result: its states, the settings it takes from the data,
the reason it failed, and the evidence its reliability rests on."""

from __future__ import annotations

import math
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from forecasting import services
from forecasting.models import Forecast
from forecasting.spec import ForecastSpec

from .conftest import HOUR, hourly, ingest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_fresh_series_cache")]


def every_10s(hours: float, level: float = 40.0):
    """(epoch s, value) every 10 s for ``hours``, a slow wave plus a little noise."""
    end = time.time() // 10 * 10
    n = int(hours * 360)
    return [
        (end - (n - 1 - i) * 10, level + 5 * math.sin(i / 90) + (i * 7919 % 13) / 13)
        for i in range(n)
    ]


def test_six_hours_of_10s_data_forecast_with_a_step_and_horizon_from_the_data():
    series = ingest("cpu.usage", "host-001", every_10s(hours=6))
    run = services.forecast_run(series=series, spec=ForecastSpec())
    run.refresh_from_db()
    assert run.status == "ok", run.error
    assert run.step_seconds == 60  # ~360 points: not 7 hourly ones
    assert run.horizon_seconds == 89 * 60  # a quarter of the 6 h (less 10 s), whole steps
    assert run.points.count() == 89
    assert run.metrics["origins"] > 0 and run.metrics["backtest"]


def test_a_configured_horizon_keeps_its_value_and_the_step_divides_it():
    series = ingest("cpu.usage", "host-001", every_10s(hours=6))
    spec = ForecastSpec(horizon_seconds=2 * HOUR)
    run = services.forecast_run(series=series, spec=spec)
    assert run.ok and run.horizon_seconds == 2 * HOUR and (2 * HOUR) % run.step_seconds == 0


def test_a_history_too_short_for_any_backtest_is_not_called_reliable():
    series = ingest("cpu.usage", "web-1", hourly(days=1))
    spec = ForecastSpec(horizon_seconds=12 * HOUR, step_seconds=HOUR, model="auto")
    run = services.forecast_run(series=series, spec=spec)
    assert run.ok and run.metrics["origins"] == 0
    assert run.reliable is False and any("no backtest" in r for r in run.reasons)


def test_a_chosen_model_is_backtested_too():
    series = ingest("cpu.usage", "web-1", hourly(days=5))
    spec = ForecastSpec(horizon_seconds=6 * HOUR, step_seconds=HOUR, model="theta")
    run = services.forecast_run(series=series, spec=spec)
    assert set(run.metrics["backtest"]) == {"theta"} and run.metrics["weights"] == {"theta": 1.0}
    assert run.metrics["origins"] == 3 and run.metrics["smape"] >= 0 and run.reliable


def test_a_requested_run_is_queued_then_finished_on_the_same_row(
    django_capture_on_commit_callbacks, settings
):
    settings.HYDRA_EMBEDDED_TASKS = False  # queue to the (unused) broker: nothing runs yet
    series = ingest("cpu.usage", "web-1", hourly(days=3))
    with django_capture_on_commit_callbacks(execute=False):
        spec, run = services.forecast_request(series=series)
    assert run.status == "queued" and run.message == "queued…"
    done = services.forecast_run(series=series, spec=spec, run=run)
    assert done is not None and done.pk == run.pk
    run.refresh_from_db()
    assert run.status == "ok" and Forecast.objects.count() == 1
    assert services.forecast_run(series=series, spec=spec, run=run) is None  # taken once


def test_a_failed_run_keeps_a_reason_a_user_can_read():
    series = ingest("cpu.usage", "web-1", hourly(days=0.2))
    run = services.forecast_run(series=series, spec=ForecastSpec(step_seconds=HOUR))
    run.refresh_from_db()
    assert run.status == "error" and run.error.startswith("history too short")
    assert run.message == f"failed: {run.error}" and not run.reliable


def test_runs_a_lost_worker_left_behind_are_marked_failed():
    series = ingest("cpu.usage", "web-1", hourly(days=3))
    old = services.run_create(series=series, spec=ForecastSpec(), config=None, status="queued")
    Forecast.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=2))
    fresh = services.run_create(series=series, spec=ForecastSpec(), config=None, status="running")
    assert services.runs_expire_stale() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == "error" and "never finished" in old.error
    assert fresh.status == "running"


def test_a_forecast_that_failed_its_backtest_badly_is_not_reliable():
    from forecasting.forecasters.evidence import assess

    table = {"ets": {"smape": 14.0, "mase": 14.5}, "theta": {"smape": 16.0, "mase": 17.0}}
    info = {"origins": 3, "backtest": table, "weights": {"ets": 0.5, "theta": 0.5}}
    reliable, reasons = assess(info, True, [])
    assert reliable is False and reasons[0].startswith("large backtest error: MASE 15.8")
    fine = {**info, "backtest": {"ets": {"smape": 3.0, "mase": 0.8}, "theta": table["theta"]}}
    assert assess({**fine, "weights": {"ets": 1.0}}, True, []) == (True, [])


def test_durations_read_as_people_say_them():
    from forecasting.templatetags.forecast_format import duration

    assert [duration(s) for s in (21600, 60, 90, 86400, 300, None)] == [
        "6 h", "1 min", "90 s", "1 d", "5 min", ""
    ]  # fmt: skip


def counter_total(days: int, resets: tuple[int, ...]):
    """(epoch s, total) every 5 minutes of a request counter whose rate follows a daily
    cycle (20-40/s), restarting from 0 at the ``resets`` indices."""
    end = time.time() // 300 * 300
    n, total, out = days * 288, 0.0, []
    for i in range(n):
        inc = 300 * (30 + 10 * math.sin(2 * math.pi * i / 288))
        total = inc if i in resets else total + inc
        out.append((end - (n - 1 - i) * 300, total))
    return out


@pytest.mark.parametrize(
    ("name", "kind"), [("http.requests.total", "counter"), ("http_seconds_count", "histogram")]
)
def test_a_counter_is_forecast_on_its_per_second_rate(name, kind):
    """A counter, and a histogram's ``_count`` series (a counter in Prometheus's model)."""
    from metrics.models import Series

    series = ingest(name, "web-1", counter_total(days=5, resets=(400, 1100)))
    Series.objects.filter(pk=series.pk).update(type=kind)
    series.refresh_from_db()
    spec = ForecastSpec(horizon_seconds=6 * HOUR, step_seconds=HOUR, history_seconds=5 * 86400)
    run = services.forecast_run(series=series, spec=spec)
    assert run.ok and run.params["signal"] == "rate"
    rows = run.point_rows()
    assert len(rows) == 6
    assert all(19 < yhat < 41 for _, yhat, _, _ in rows), rows  # requests/s, not a total
    assert all(lo <= yhat <= hi for _, yhat, lo, hi in rows)


def test_a_run_stores_the_calibrated_band_and_the_95_band_around_it():
    series = ingest("cpu.usage", "web-1", hourly(days=6))
    spec = ForecastSpec(horizon_seconds=12 * HOUR, step_seconds=HOUR, history_seconds=6 * 86400)
    run = services.forecast_run(series=series, spec=spec)
    assert run.ok and run.metrics["calibration"]["origins"] == 3
    assert set(run.metrics["calibration"]["multipliers"]) == {"0.8", "0.95"}
    points = list(run.points.all())
    assert len(points) == 12 and run.levels == [0.8, 0.95]
    for p in points:  # what forecast-breach rules read (lower/upper) sits inside the 95 % band
        assert p.yhat_lower_95 <= p.yhat_lower <= p.yhat <= p.yhat_upper <= p.yhat_upper_95
    assert any(p.yhat_upper < p.yhat_upper_95 for p in points)
    assert [r[1:] for r in run.outer_rows()] == [[p.yhat_lower_95, p.yhat_upper_95] for p in points]
