"""The role tests' world: one of every kind of thing, made by alice (an editor), and a
client for each actor — alice, bob (another editor), charlie (a viewer), dana (an admin),
the anonymous, and a read-only token of dana's (an admin's read-only token only reads)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from alerts.models import Alert, AlertRule, Anomaly, NotificationChannel, Silence
from core.services import api_token_create
from dashboards.services import dashboard_create
from forecasting.models import Forecast, ForecastConfig
from metrics.ingest import Batch
from metrics.models import Series
from metrics.services import points_ingest
from scenarios.models import ScenarioRun, TrainingSession
from scenarios.services import scenario_create

ACTORS = ("alice", "bob", "charlie", "dana", "anonymous", "read_only_token")
TARGET = "http://127.0.0.1:9/fast"  # allow-listed; nothing runs (tasks queue after commit)


def _series() -> Series:
    batch = Batch()
    pos = batch.series_position(("cpu.usage", "web-1", ()))
    batch.add(pos, int((timezone.now() - timedelta(minutes=1)).timestamp() * 1e6), 42.0)
    points_ingest(batch=batch)
    return Series.objects.get(name="cpu.usage", host="web-1")


def _alerting(series: Series, now) -> dict:
    rule = AlertRule.objects.create(
        name="cpu high", metric="cpu.usage", condition="threshold", agg="avg",
        window_seconds=60, op=">", threshold=90.0,
    )  # fmt: skip
    alert = Alert.objects.create(rule=rule, series=series, state="firing", value=95, since=now)
    silence = Silence.objects.create(
        matchers=[{"label": "host", "op": "=", "value": "db-9"}],
        starts_at=now, ends_at=now + timedelta(hours=1), comment="maintenance",
    )  # fmt: skip
    anomaly = Anomaly.objects.create(series=series, ts=1, detector="hydra", value=9, score=5)
    channel = NotificationChannel.objects.create(
        name="ops", kind="webhook", target="https://hooks.example.com/x"
    )
    return {
        "rule": rule,
        "alert": alert,
        "silence": silence,
        "anomaly": anomaly,
        "channel": channel,
    }


def _load_tests(alice) -> dict:
    spec = {"requests": [{"url": TARGET}], "executor": "constant-vus", "vus": 1, "duration": 1}
    scenario = scenario_create(name="checkout", spec=spec, user=alice)
    run = ScenarioRun.objects.create(scenario=scenario, name="checkout", spec=scenario.spec)
    training = TrainingSession.objects.create(
        target_url=TARGET, slo=["p95 < 300ms"], start_rps=1, max_rps=10, step_duration=1,
        status=TrainingSession.Status.CONVERGED, created_by=alice,
    )  # fmt: skip
    return {"scenario": scenario, "run": run, "training": training}


@pytest.fixture
def world(owner, teammate, viewer, team_admin):
    """Everything alice made, as ids for URLs (``{rule}``) and rows for state checks."""
    now = timezone.now()
    series = _series()
    things = {"series": series, **_alerting(series, now), **_load_tests(owner)}
    things["config"] = ForecastConfig.objects.create(metric="cpu.usage", host_pattern="web-*")
    things["forecast"] = Forecast.objects.create(
        series=series, horizon_seconds=3600, step_seconds=60
    )
    things["shared"] = dashboard_create(owner=owner, title="Team board", shared=True)
    things["private"] = dashboard_create(owner=owner, title="Alice's board", shared=False)
    things["token"] = api_token_create(user=owner, name="alice's agent")[0]
    ids = {name: thing.pk for name, thing in things.items()}
    users = {"alice": owner, "bob": teammate, "charlie": viewer, "dana": team_admin}
    return SimpleNamespace(**things, ids=ids, users=users)


@pytest.fixture
def api_as(world):
    """``api_as(actor)``: an API client authenticated by a fresh token of the actor."""

    def make(actor: str) -> APIClient:
        client = APIClient()
        if actor == "anonymous":
            return client
        user = world.users["dana" if actor == "read_only_token" else actor]
        key = api_token_create(user=user, read_only=actor == "read_only_token")[1]
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def browser_as(world):
    """``browser_as(actor)``: a logged-in Django test client (pages use sessions)."""

    def make(actor: str) -> Client:
        client = Client()
        if actor != "anonymous":
            client.force_login(world.users[actor])
        return client

    return make
