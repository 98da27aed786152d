from __future__ import annotations

import json
import sys

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from core.selectors import HEARTBEAT_KEY
from core.tasks import heartbeat
from core.tests.helpers import ROOT, clean_env

pytestmark = pytest.mark.django_db


def test_health_reports_each_component(client):
    response = client.get("/api/v1/health")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert set(body["components"]) == {"database", "redis", "worker"}
    assert body["components"]["database"]["status"] == "ok"
    assert body["components"]["redis"]["status"] in ("ok", "embedded")


def test_the_worker_is_unknown_until_a_heartbeat_then_ok(client):
    assert client.get("/api/v1/health").json()["components"]["worker"]["status"] == "unknown"
    heartbeat.apply()
    worker = client.get("/api/v1/health").json()["components"]["worker"]
    assert worker["status"] == "ok" and worker["last_heartbeat_age_s"] < 5


@override_settings(HYDRA_WORKER_STALE_AFTER=60)
def test_an_old_heartbeat_is_reported_stale(client):
    cache.set(HEARTBEAT_KEY, timezone.now().timestamp() - 600)
    response = client.get("/api/v1/health")
    assert response.json()["components"]["worker"]["status"] == "stale"
    assert response.status_code == 200  # the web tier itself still serves


def test_health_fails_when_the_database_is_unreachable():
    """A real unreachable PostgreSQL (nothing listens on port 1): 503 and the reason."""
    import subprocess

    code = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/api/v1/health'); print(r.status_code); print(r.content.decode())"
    )
    env = clean_env(
        DATABASE_URL="postgres://hydra:x@127.0.0.1:1/hydra",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="hydra.settings",
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    status, body = out.stdout.split("\n", 1)
    assert status == "503", out.stderr
    database = json.loads(body)["components"]["database"]
    assert database["status"] == "fail" and database["error"]
