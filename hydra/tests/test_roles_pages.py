"""Who may do what on the pages (sessions, forms, htmx posts) and in the Django admin: one
row per (thing, action), every actor. The anonymous are sent to log in."""

from __future__ import annotations

import io
import json

import pytest

from alerts.models import Anomaly, NotificationChannel, Silence
from dashboards.models import Dashboard
from hydra.tests.conftest import TARGET
from hydra.tests.roles import Case, params, try_case
from scenarios.models import Scenario, ScenarioRun, TrainingSession

pytestmark = pytest.mark.django_db
ACTORS = ("alice", "bob", "charlie", "dana", "anonymous")
PAGE = {"alice": 200, "bob": 200, "charlie": 200, "dana": 200, "anonymous": 302}
ADMIN_ONLY = {"alice": 302, "bob": 302, "charlie": 302, "dana": 200, "anonymous": 302}
SCENARIO_FORM = {
    "name": "search", "method": "GET", "url": TARGET, "executor": "constant-vus", "vus": 1,
    "duration": "5s", "timeout": "5s", "thresholds": "", "window": "10s", "tags": "",
}  # fmt: skip
TRAINING_FORM = {"target_url": TARGET, "p95_ms": 200, "error_pct": 1, "max_rps": 10,
                 "step_duration": 5}  # fmt: skip
BOARD = {"title": "Renamed", "shared": "on", "range": "1h", "variables": ""}


def editors(ok: int, *, others: int | None = None) -> dict[str, int]:
    """Alice and dana may; bob too (``others``: bob's answer when it is alice's own thing)."""
    bob = ok if others is None else others
    return {"alice": ok, "bob": bob, "charlie": 403, "dana": ok, "anonymous": 302}


def exported(world) -> dict:
    upload = io.BytesIO(json.dumps({"title": "Imported", "panels": []}).encode())
    upload.name = "board.json"
    return {"file": upload}


def board(w):
    return Dashboard.objects.filter(pk=w.ids["shared"]).values("title").first()


def training_running(w):
    TrainingSession.objects.filter(pk=w.ids["training"]).update(status="running")


CASES = [
    Case("overview", "read", "GET", "/", PAGE),
    Case("hosts", "list", "GET", "/hosts/", PAGE),
    Case("hosts", "read", "GET", "/hosts/web-1/", PAGE),
    Case("series", "explore", "GET", "/explore/?name=cpu.usage", PAGE),
    Case("alerts", "list", "GET", "/alerts/", PAGE),
    Case("alerts", "read", "GET", "/alerts/{alert}/", PAGE),
    Case("alerts", "acknowledge", "POST", "/alerts/{alert}/acknowledge/", editors(200),
         state=lambda w: w.alert.__class__.objects.get(pk=w.ids["alert"]).acknowledged_at),
    Case("alerts", "silence", "POST", "/alerts/{alert}/silence/", editors(200), {"hours": 1},
         lambda w: Silence.objects.count()),
    Case("anomalies", "list", "GET", "/alerts/anomalies/", PAGE),
    Case("anomalies", "dismiss", "POST", "/alerts/anomalies/{anomaly}/dismiss/", editors(200),
         state=lambda w: Anomaly.objects.get(pk=w.ids["anomaly"]).dismissed),
    Case("forecasts", "list", "GET", "/forecasts/", PAGE),
    Case("forecasts", "read", "GET", "/forecasts/{series}/", PAGE),
    Case("forecasts", "run", "POST", "/forecasts/{series}/run/", editors(302), queues=True),
    Case("scenarios", "list", "GET", "/scenarios/", PAGE),
    Case("scenarios", "read", "GET", "/scenarios/{scenario}/", PAGE),
    Case("scenarios", "create form", "GET", "/scenarios/new/", editors(200)),
    Case("scenarios", "create", "POST", "/scenarios/new/", editors(302), SCENARIO_FORM,
         lambda w: Scenario.objects.count()),
    Case("scenarios", "generate", "POST", "/scenarios/generate/", editors(302),
         {"difficulty": "easy", "target_url": TARGET, "type": ""},
         lambda w: Scenario.objects.count()),
    Case("scenarios", "edit", "POST", "/scenarios/{scenario}/edit/", editors(302),
         SCENARIO_FORM, lambda w: Scenario.objects.get(pk=w.ids["scenario"]).name),
    Case("scenarios", "run", "POST", "/scenarios/{scenario}/run/", editors(302),
         state=lambda w: ScenarioRun.objects.count(), queues=True),
    Case("runs", "read", "GET", "/scenarios/runs/{run}/", PAGE),
    Case("runs", "compare", "GET", "/scenarios/runs/compare/", PAGE),
    Case("runs", "stop", "POST", "/scenarios/runs/{run}/stop/", editors(302),
         state=lambda w: ScenarioRun.objects.get(pk=w.ids["run"]).status),
    Case("training sessions", "list", "GET", "/scenarios/training/", PAGE),
    Case("training sessions", "run", "POST", "/scenarios/training/start/", editors(302),
         TRAINING_FORM, lambda w: TrainingSession.objects.count(), queues=True),
    Case("training sessions", "stop", "POST", "/scenarios/training/stop/", editors(302),
         state=lambda w: TrainingSession.objects.get(pk=w.ids["training"]).stop_requested,
         prepare=training_running),
    Case("saved dashboards", "list", "GET", "/dashboards/", PAGE),
    Case("saved dashboards", "create", "POST", "/dashboards/", editors(302), BOARD,
         lambda w: Dashboard.objects.count()),
    Case("saved dashboards", "import", "POST", "/dashboards/import/", editors(302), exported,
         lambda w: Dashboard.objects.count()),
    Case("saved dashboards", "read shared", "GET", "/dashboards/{shared}/", PAGE),
    Case("saved dashboards", "export", "GET", "/dashboards/{shared}/export/", PAGE),
    Case("saved dashboards", "read private", "GET", "/dashboards/{private}/",
         {"alice": 200, "bob": 404, "charlie": 404, "dana": 404, "anonymous": 302}),
    Case("saved dashboards", "edit form", "GET", "/dashboards/{shared}/edit/",
         editors(200, others=403)),
    Case("saved dashboards", "edit", "POST", "/dashboards/{shared}/settings/",
         editors(302, others=403), BOARD, board),
    Case("saved dashboards", "delete", "POST", "/dashboards/{shared}/delete/",
         editors(302, others=403), state=board),
    Case("notification channels", "list", "GET", "/admin/alerts/notificationchannel/",
         ADMIN_ONLY),
    Case("notification channels", "delete", "POST",
         "/admin/alerts/notificationchannel/{channel}/delete/", {**ADMIN_ONLY, "dana": 302},
         {"post": "yes"}, lambda w: NotificationChannel.objects.count()),
    Case("alert rules", "list in the admin", "GET", "/admin/alerts/alertrule/", ADMIN_ONLY),
    Case("API tokens", "everyone's", "GET", "/admin/core/apitoken/", ADMIN_ONLY),
    Case("users", "list", "GET", "/admin/auth/user/", ADMIN_ONLY),
]  # fmt: skip


@pytest.mark.parametrize(("case", "actor"), params(CASES, ACTORS))
def test_each_actor_gets_what_its_role_allows(
    case, actor, world, browser_as, django_capture_on_commit_callbacks
):
    client = browser_as(actor)
    try_case(case, actor, client, world, django_capture_on_commit_callbacks, as_json=False)


def test_a_refused_page_names_the_role_it_needs(world, browser_as):
    response = browser_as("charlie").get("/scenarios/new/")
    assert response.status_code == 403
    text = response.content.decode()
    assert "Your role (viewer) may not do this: it needs the editor role" in text
    assert 'id="user-role"' in text  # the page keeps the header and navigation


def test_a_page_that_only_reads_refuses_a_post(world, browser_as):
    response = browser_as("alice").post("/alerts/")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
