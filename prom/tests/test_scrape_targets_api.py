"""``/api/v1/scrape-targets/``: admins write, viewers read, bad input refused with nothing
written."""

from __future__ import annotations

import re

import pytest

from prom.models import ScrapeTarget

pytestmark = pytest.mark.django_db
URL = "/api/v1/scrape-targets/"
BODY = {"job": "node", "url": "http://web-1:9100/metrics", "interval": "15s", "labels": {}}


@pytest.fixture
def admin_api(token_client, team_admin):
    return token_client(user=team_admin)


def test_an_admin_adds_a_target_with_durations_as_prometheus_strings(admin_api):
    response = admin_api.post(URL, {**BODY, "labels": {"env": "prod"}}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["interval"] == "15s" and body["timeout"] == "10s"
    assert body["health"] == "unknown" and body["enabled"] is True
    target = ScrapeTarget.objects.get()
    assert (target.interval_ms, target.timeout_ms, target.labels) == (15000, 10000, {"env": "prod"})
    assert target.source == "api"


def test_metric_relabel_configs_are_stored_and_answered(admin_api):
    rules = [{"action": "drop", "source_labels": ["__name__"], "regex": "go_.*"}]
    response = admin_api.post(URL, {**BODY, "metric_relabel_configs": rules}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["metric_relabel_configs"] == rules
    assert ScrapeTarget.objects.get().metric_relabel_configs == rules


def test_an_admin_patches_and_deletes_a_target(admin_api):
    pk = admin_api.post(URL, BODY, format="json").json()["id"]
    response = admin_api.patch(f"{URL}{pk}/", {"interval": "1m", "timeout": "30s"}, format="json")
    assert response.status_code == 200, response.json()
    assert ScrapeTarget.objects.get().interval_ms == 60_000
    assert response.json()["timeout"] == "30s"
    assert admin_api.delete(f"{URL}{pk}/").status_code == 204
    assert not ScrapeTarget.objects.exists()


def test_a_viewer_reads_targets_but_may_not_write_them(token_client, viewer, admin_api, api):
    admin_api.post(URL, BODY, format="json")
    client = token_client(user=viewer)
    listed = client.get(URL)
    assert listed.status_code == 200 and listed.json()["results"][0]["job"] == "node"
    assert client.post(URL, {**BODY, "job": "x"}, format="json").status_code == 403
    assert api.post(URL, {**BODY, "job": "x"}, format="json").status_code == 403  # an editor
    assert ScrapeTarget.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"url": "file:///etc/passwd"}, "url", "http:// or https://"),
        ({"url": "gopher://x:70/"}, "url", "http:// or https://"),
        ({"url": "http:///metrics"}, "url", "no host"),
        ({"url": "http://u:secret@web:9100/metrics"}, "url", "must not carry credentials"),
        ({"url": "http://web:9100/me\ttrics"}, "url", "control characters"),
        ({"job": "no\x07de"}, "job", "control characters"),
        ({"job": ""}, "job", "blank"),
        ({"interval": "15"}, "interval", "not a duration"),
        ({"interval": "100ms"}, "interval", "between 1s and 1h"),
        ({"interval": "15s", "timeout": "20s"}, "timeout", "at most|between"),
        ({"labels": {"__address__": "x"}}, "labels", "reserved"),
        ({"labels": {"job": "x"}}, "labels", "reserved"),
        ({"labels": {"bad-name": "x"}}, "labels", "invalid"),
        ({"labels": ["x"]}, "labels", "object"),
        ({"bearer_env": "SECRET_KEY"}, "bearer_env", "SCRAPE_"),
        ({"password_env": "SCRAPE_PW"}, "username", "needs a username"),
        ({"username": "u", "bearer_env": "SCRAPE_T"}, "bearer_env", "either"),
        ({"metric_relabel_configs": {"action": "drop"}}, "metric_relabel_configs", "a list"),
        (
            {"metric_relabel_configs": [{"action": "drop", "regex": "a(?=b)"}]},
            "metric_relabel_configs",
            "rule 1: error parsing regexp",
        ),
        ({"metric_relabel_configs": [{"action": "replace"}]}, "metric_relabel_configs", "target"),
    ],
)
def test_bad_targets_are_refused_and_nothing_is_written(admin_api, change, field, message):
    response = admin_api.post(URL, {**BODY, **change}, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert field in str(errors), errors
    assert re.search(message, str(errors)), errors
    assert not ScrapeTarget.objects.exists()


def test_the_same_job_and_url_twice_is_refused(admin_api):
    admin_api.post(URL, BODY, format="json")
    response = admin_api.post(URL, BODY, format="json")
    assert response.status_code == 400 and "exists already" in str(response.json())
    assert ScrapeTarget.objects.count() == 1


def test_a_patch_keeps_the_timeout_within_the_interval(admin_api):
    pk = admin_api.post(URL, BODY, format="json").json()["id"]
    response = admin_api.patch(f"{URL}{pk}/", {"interval": "5s"}, format="json")
    assert response.status_code == 400 and "timeout" in response.json()
    assert ScrapeTarget.objects.get().interval_ms == 15_000
