"""Faults against a live web process (issue 12, defects 2 and 3): Redis killed mid-test
(ingestion still stored, health 503 naming Redis), PostgreSQL cut off (JSON 503 with
Retry-After within 2 s, health within 2 s, recovery within 5 s of its return)."""

from __future__ import annotations

import time

import httpx
import orjson
import pytest
from django.db import connections

from core.services import api_token_create
from core.tests.faults import RedisServer, TcpProxy, database_url, start_web
from core.tests.helpers import stop
from metrics.models import Point

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]


def batch(name: str, n: int = 100) -> bytes:
    now = int(time.time())
    return orjson.dumps({"series": [{"name": name, "points": [[now - i, i] for i in range(n)]}]})


def post_json(base: str, key: str, name: str) -> httpx.Response:
    headers = {"Authorization": f"Token {key}", "Content-Type": "application/json"}
    return httpx.post(f"{base}/api/v1/metrics/", content=batch(name), headers=headers, timeout=10)


def post_lines(base: str, key: str, name: str) -> httpx.Response:
    now = int(time.time())
    body = "\n".join(f"{name} v={i} {now - i}" for i in range(50))
    url = f"{base}/write?precision=s"
    return httpx.post(url, content=body, headers={"Authorization": f"Token {key}"}, timeout=10)


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


@pytest.fixture
def key(owner) -> str:
    return api_token_create(user=owner)[1]


def test_redis_killed_mid_test_ingestion_goes_on_and_health_names_redis(tmp_path, key):
    redis = RedisServer()
    server, base = start_web(tmp_path, DATABASE_URL=database_url(), REDIS_URL=redis.url)
    try:
        assert post_json(base, key, "before").status_code == 201
        assert httpx.get(f"{base}/api/v1/health").status_code == 200
        redis.kill()
        for attempt in range(3):
            response, took = timed(lambda n=attempt: post_json(base, key, f"during{n}"))
            assert response.status_code == 201 and took < 2, (response.text, took)
        response = post_lines(base, key, "lines")
        assert response.status_code == 204, response.text
        health, took = timed(lambda: httpx.get(f"{base}/api/v1/health", timeout=10))
        assert health.status_code == 503 and took < 2
        assert health.json()["components"]["redis"]["status"] == "fail"
        assert health.json()["components"]["database"]["status"] == "ok"
        metrics = httpx.get(f"{base}/metrics").text
        assert 'hydra_redis_unavailable_total{operation="throttle"}' in metrics
    finally:
        stop(server)
        redis.kill() if redis.process.poll() is None else None
    assert Point.objects.filter(series__name="before").count() == 100
    assert Point.objects.filter(series__name__startswith="during").count() == 300
    assert Point.objects.filter(series__name="lines.v").count() == 50


def test_the_database_cut_off_answers_json_503_fast_and_recovers(tmp_path, key):
    conf = connections["default"].settings_dict
    if not conf["ENGINE"].endswith("postgresql"):
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    proxy = TcpProxy((conf["HOST"] or "127.0.0.1", int(conf["PORT"] or 5432)))
    url = database_url("127.0.0.1", proxy.port)
    server, base = start_web(tmp_path, DATABASE_URL=url)
    try:
        assert post_json(base, key, "up").status_code == 201
        proxy.cut()
        for call in (
            lambda: post_json(base, key, "down"),
            lambda: post_lines(base, key, "down"),
            lambda: httpx.get(f"{base}/api/v1/series/", headers={"Authorization": f"Token {key}"}),
        ):
            response, took = timed(call)
            assert response.status_code == 503 and took < 2, (response.text, took)
            assert response.headers["Retry-After"] and "unavailable" in response.json()["detail"]
        health, took = timed(lambda: httpx.get(f"{base}/api/v1/health", timeout=10))
        assert health.status_code == 503 and took < 2.5
        assert health.json()["components"]["database"]["status"] == "fail"
        page, _ = timed(lambda: httpx.get(f"{base}/login/", timeout=10))
        assert page.status_code in (200, 503) and "Traceback" not in page.text
        time.sleep(3)  # a while down: the pool's reconnection backs off meanwhile
        proxy.restore()
        back = time.monotonic()
        while post_json(base, key, "again").status_code != 201:
            assert time.monotonic() - back < 5, "no recovery within 5 s"
            time.sleep(0.2)
    finally:
        stop(server)
        proxy.cut()
    assert Point.objects.filter(series__name="down").count() == 0
    assert Point.objects.filter(series__name="again").count() == 100
