"""Who may do what through the API, for forecasts, scenarios, load-test runs and training
(the table's shape: roles.py; the actors: conftest.py)."""

from __future__ import annotations

import pytest

from forecasting.models import ForecastConfig
from hydra.tests.conftest import ACTORS, TARGET
from hydra.tests.roles import Case, params, try_case, write
from scenarios.models import Scenario, ScenarioRun, TrainingSession

pytestmark = pytest.mark.django_db

SPEC = {"requests": [{"url": TARGET}], "executor": "constant-vus", "vus": 1, "duration": 1}
TRAINING = {"target_url": TARGET, "slo": {"p95": "300ms"}, "max_rps": 20}


def config(w):
    return ForecastConfig.objects.filter(pk=w.ids["config"]).values("enabled").first()


def scenario(w):
    return Scenario.objects.filter(pk=w.ids["scenario"]).values("description").first()


def run_status(w):
    return ScenarioRun.objects.get(pk=w.ids["run"]).status


def training_running(w):
    TrainingSession.objects.filter(pk=w.ids["training"]).update(status="running")


CASES = [
    Case("forecast configs", "list", "GET", "/api/v1/forecast-configs/"),
    Case("forecast configs", "read", "GET", "/api/v1/forecast-configs/{config}/"),
    Case("forecast configs", "create", "POST", "/api/v1/forecast-configs/", write(201),
         {"metric": "mem.used", "host_pattern": "*"}, lambda w: ForecastConfig.objects.count()),
    Case("forecast configs", "edit", "PATCH", "/api/v1/forecast-configs/{config}/", write(200),
         {"enabled": False}, config),
    Case("forecast configs", "delete", "DELETE", "/api/v1/forecast-configs/{config}/",
         write(204), state=config),
    Case("forecasts", "read", "GET", "/api/v1/predictions/?series={series}"),
    Case("forecasts", "run", "POST", "/api/v1/predictions/run", write(202),
         lambda w: {"series": w.ids["series"]}, queues=True),
    Case("scenarios", "list", "GET", "/api/v1/scenarios/"),
    Case("scenarios", "read", "GET", "/api/v1/scenarios/{scenario}/"),
    Case("scenarios", "create", "POST", "/api/v1/scenarios/", write(201),
         {"name": "home", "spec": SPEC}, lambda w: Scenario.objects.count()),
    Case("scenarios", "generate", "POST", "/api/v1/scenarios/generate", write(201),
         {"difficulty": "easy", "target_url": TARGET}, lambda w: Scenario.objects.count()),
    Case("scenarios", "edit", "PATCH", "/api/v1/scenarios/{scenario}/", write(200),
         {"description": "the shop"}, scenario),
    Case("scenarios", "delete", "DELETE", "/api/v1/scenarios/{scenario}/", write(204),
         state=scenario),
    Case("scenarios", "run", "POST", "/api/v1/scenarios/{scenario}/run", write(202),
         state=lambda w: ScenarioRun.objects.count(), queues=True),
    Case("runs", "list", "GET", "/api/v1/runs/"),
    Case("runs", "read", "GET", "/api/v1/runs/{run}/"),
    Case("runs", "stop", "POST", "/api/v1/runs/{run}/stop", write(202), state=run_status),
    Case("training sessions", "list", "GET", "/api/v1/training/sessions/"),
    Case("training sessions", "read", "GET", "/api/v1/training/sessions/{training}/"),
    Case("training sessions", "status", "GET", "/api/v1/training/status"),
    Case("training sessions", "run", "POST", "/api/v1/training/start", write(202), TRAINING,
         lambda w: TrainingSession.objects.count(), queues=True),
    Case("training sessions", "stop", "POST", "/api/v1/training/stop", write(202),
         state=lambda w: TrainingSession.objects.get(pk=w.ids["training"]).stop_requested,
         prepare=training_running),
]  # fmt: skip


@pytest.mark.parametrize(("case", "actor"), params(CASES, ACTORS))
def test_each_actor_gets_what_its_role_allows(
    case, actor, world, api_as, django_capture_on_commit_callbacks
):
    try_case(case, actor, api_as(actor), world, django_capture_on_commit_callbacks)


def test_the_table_covers_every_kind_of_work_and_every_action():
    actions = {(c.thing, c.action) for c in CASES}
    for thing in ("forecast configs", "scenarios"):
        assert {(thing, a) for a in ("list", "read", "create", "edit", "delete")} <= actions
    for thing in ("forecasts", "scenarios", "training sessions"):
        assert (thing, "run") in actions
    assert ("runs", "stop") in actions and ("training sessions", "stop") in actions
