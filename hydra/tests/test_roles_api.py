"""Who may do what through the API, for alerts, silences, anomalies, metrics and tokens: one
row per (thing, action), every actor (see conftest.py). Load tests and forecasts:
test_roles_api_work.py."""

from __future__ import annotations

import pytest

from alerts.models import Alert, AlertRule, Anomaly, Silence
from core.models import ApiToken
from hydra.tests.conftest import ACTORS
from hydra.tests.roles import READ, Case, params, try_case, write
from metrics.models import Point, Series

pytestmark = pytest.mark.django_db

RULE = {
    "name": "disk full", "metric": "disk.used", "condition": "threshold", "agg": "avg",
    "window_seconds": 60, "op": ">", "threshold": 90,
}  # fmt: skip
SILENCE = {
    "matchers": [{"label": "host", "op": "=", "value": "web-1"}],
    "starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-01T01:00:00Z",
}  # fmt: skip
OWN_TOKENS_ONLY = {
    "alice": 204, "bob": 404, "charlie": 404, "dana": 204, "anonymous": 401,
    "read_only_token": 403,
}  # fmt: skip
ADMINS_SEE_OTHERS = {**READ, "bob": 403, "charlie": 403}


def rule(w):
    return AlertRule.objects.filter(pk=w.ids["rule"]).values("threshold").first()


def silence(w):
    return Silence.objects.filter(pk=w.ids["silence"]).values("comment").first()


CASES = [
    Case("alert rules", "list", "GET", "/api/v1/alert-rules/"),
    Case("alert rules", "read", "GET", "/api/v1/alert-rules/{rule}/"),
    Case("alert rules", "create", "POST", "/api/v1/alert-rules/", write(201), RULE,
         lambda w: AlertRule.objects.count()),
    Case("alert rules", "edit", "PATCH", "/api/v1/alert-rules/{rule}/", write(200),
         {"threshold": 95}, rule),
    Case("alert rules", "delete", "DELETE", "/api/v1/alert-rules/{rule}/", write(204),
         state=rule),
    Case("alerts", "list", "GET", "/api/v1/alerts/"),
    Case("alerts", "read", "GET", "/api/v1/alerts/{alert}/"),
    Case("alerts", "acknowledge", "POST", "/api/v1/alerts/{alert}/acknowledge", write(200),
         state=lambda w: Alert.objects.get(pk=w.ids["alert"]).acknowledged_at),
    Case("silences", "list", "GET", "/api/v1/silences/"),
    Case("silences", "read", "GET", "/api/v1/silences/{silence}/"),
    Case("silences", "silence", "POST", "/api/v1/silences/", write(201), SILENCE,
         lambda w: Silence.objects.count()),
    Case("silences", "edit", "PATCH", "/api/v1/silences/{silence}/", write(200),
         {"comment": "longer"}, silence),
    Case("silences", "delete", "DELETE", "/api/v1/silences/{silence}/", write(204),
         state=silence),
    Case("anomalies", "list", "GET", "/api/v1/anomalies/"),
    Case("anomalies", "dismiss", "POST", "/api/v1/anomalies/{anomaly}/dismiss", write(200),
         state=lambda w: Anomaly.objects.get(pk=w.ids["anomaly"]).dismissed),
    Case("series", "list", "GET", "/api/v1/series/"),
    Case("series", "read", "GET", "/api/v1/series/{series}/"),
    Case("metrics", "query", "GET", "/api/v1/metrics/?name=cpu.usage&start=-1h"),
    Case("metrics", "trends", "GET", "/api/v1/analytics/trends?name=cpu.usage"),
    Case("metrics", "ingest JSON", "POST", "/api/v1/metrics/", write(201),
         {"name": "cpu.usage", "host": "web-2", "value": 1.5}, lambda w: Series.objects.count()),
    Case("metrics", "ingest line protocol", "POST", "/write", write(204), "mem,host=web-3 used=1",
         lambda w: Point.objects.count()),
    Case("API tokens", "list own", "GET", "/api/v1/tokens/"),
    Case("API tokens", "create own", "POST", "/api/v1/tokens/", write(201, charlie=201),
         {"name": "ci"}, lambda w: ApiToken.objects.count()),
    Case("API tokens", "list alice's", "GET", "/api/v1/tokens/?user=alice", ADMINS_SEE_OTHERS),
    Case("API tokens", "revoke alice's", "DELETE", "/api/v1/tokens/{token}/", OWN_TOKENS_ONLY,
         state=lambda w: ApiToken.objects.filter(pk=w.ids["token"]).exists()),
]  # fmt: skip


@pytest.mark.parametrize(("case", "actor"), params(CASES, ACTORS))
def test_each_actor_gets_what_its_role_allows(
    case, actor, world, api_as, django_capture_on_commit_callbacks
):
    try_case(case, actor, api_as(actor), world, django_capture_on_commit_callbacks)


def test_the_table_covers_every_action_on_every_kind_of_thing():
    actions = {(c.thing, c.action) for c in CASES}
    for thing in ("alert rules", "silences"):
        assert {(thing, a) for a in ("list", "read", "edit", "delete")} <= actions
    assert ("alerts", "acknowledge") in actions and ("silences", "silence") in actions
    assert {c.method for c in CASES} == {"GET", "POST", "PATCH", "DELETE"}


def test_a_refusal_says_which_role_is_needed(world, api_as):
    response = api_as("charlie").post("/api/v1/alert-rules/", RULE, format="json")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Your role (viewer) may not do this: it needs the editor role "
        "(alerts.add_alertrule)."
    }


def test_a_read_only_token_of_an_admin_is_refused_as_read_only(world, api_as):
    response = api_as("read_only_token").delete(f"/api/v1/alert-rules/{world.rule.pk}/")
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert AlertRule.objects.filter(pk=world.rule.pk).exists()


def test_an_account_without_a_role_reads_nothing(world, api_as, django_user_model):
    from core.services import api_token_create

    nobody = django_user_model.objects.create_user("erin")
    client = api_as("anonymous")
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=nobody)[1]}")
    response = client.get("/api/v1/alerts/")
    assert response.status_code == 403
    assert "no role yet" in response.json()["detail"]
    assert client.get("/api/v1/tokens/").status_code == 200  # their own tokens, still


def test_an_admin_lists_everyones_tokens_with_their_owners(world, api_as):
    rows = api_as("dana").get("/api/v1/tokens/?user=*").json()["results"]
    assert {"alice", "dana"} <= {r["user"] for r in rows}
    assert "key_hash" not in rows[0] and "key" not in rows[0]
