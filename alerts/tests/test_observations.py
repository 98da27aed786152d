"""What rules observe: forecast-breach rules read each series' newest successful forecast,
in a number of queries that does not grow with the series."""

from __future__ import annotations

import pytest

from alerts.observations import observe
from alerts.tests.conftest import T0, ingest, make_rule
from forecasting.models import Forecast, ForecastPoint

pytestmark = pytest.mark.django_db
t0 = T0.timestamp()
US = 1_000_000


def forecast(series, uppers: list[float], status: str = "ok") -> Forecast:
    made = Forecast.objects.create(
        series=series, horizon_seconds=3600 * len(uppers), step_seconds=3600, status=status
    )
    ForecastPoint.objects.bulk_create(
        ForecastPoint(
            forecast=made,
            ts=int((t0 + (i + 1) * 3600) * US),
            yhat=u - 5,
            yhat_lower=u - 10,
            yhat_upper=u,
        )  # fmt: skip
        for i, u in enumerate(uppers)
    )
    return made


def test_a_forecast_rule_reads_the_newest_successful_forecast_of_each_series(
    django_assert_max_num_queries,
):
    hosts = [ingest("disk.used", f"db-{i}", [(t0 - 10, 70)]) for i in range(6)]
    for i, series in enumerate(hosts[:5]):
        forecast(series, [80, 91 + i])  # older
        forecast(series, [80, 85 + i])  # newest successful: this one counts
        forecast(series, [], status="failed")
    rule = make_rule(
        metric="disk.used", condition="forecast", op=">", threshold=90, horizon_seconds=3 * 3600
    )
    with django_assert_max_num_queries(3):  # series, newest forecasts, their points
        values, _, failed = observe([rule], int(t0 * US))
    assert failed == {}
    assert values[rule.pk] == {s.pk: (85.0 + i if i < 5 else None) for i, s in enumerate(hosts)}
