"""Forecast configs in the admin: bad combinations are refused with a clear message."""

from __future__ import annotations

import pytest

from forecasting.models import ForecastConfig

pytestmark = pytest.mark.django_db
FORM = {
    "name": "cpu", "metric": "cpu.usage", "host_pattern": "*", "enabled": "on",
    "horizon_seconds": "86400", "step_seconds": "3600", "history_seconds": "1209600",
    "model": "auto", "seasonalities": "auto", "level": "0.8", "interval_seconds": "3600",
}  # fmt: skip


@pytest.fixture
def admin_client(client, team_admin):
    client.force_login(team_admin)  # the admin role, not a superuser
    return client


def test_the_admin_saves_a_good_config(admin_client):
    response = admin_client.post("/admin/forecasting/forecastconfig/add/", FORM)
    assert response.status_code == 302
    assert ForecastConfig.objects.get().metric == "cpu.usage"


def test_the_admin_refuses_a_horizon_longer_than_the_history(admin_client):
    form = {**FORM, "horizon_seconds": "2419200"}
    response = admin_client.post("/admin/forecasting/forecastconfig/add/", form)
    assert response.status_code == 200
    assert "must be at least as long as the horizon" in response.content.decode()
    assert not ForecastConfig.objects.exists()


def test_the_admin_refuses_too_many_steps(admin_client):
    form = {**FORM, "step_seconds": "60", "horizon_seconds": "259200", "history_seconds": "604800"}
    response = admin_client.post("/admin/forecasting/forecastconfig/add/", form)
    assert "at most 2016" in response.content.decode()
    assert not ForecastConfig.objects.exists()


def test_the_forecast_list_in_the_admin_is_read_only(admin_client):
    assert admin_client.get("/admin/forecasting/forecast/").status_code == 200
    assert admin_client.get("/admin/forecasting/forecast/add/").status_code == 403
