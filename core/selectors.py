"""Reads owned by the hydra package: component health."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

HEARTBEAT_KEY = "hydra:worker-heartbeat"


def database_health() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:  # any driver error means "down"
        return {"status": "fail", "vendor": connection.vendor, "error": str(exc).splitlines()[0]}


def redis_health() -> dict:
    if not settings.REDIS_URL:
        return {"status": "embedded", "detail": "no REDIS_URL: in-process channel layer and tasks"}
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1
        )
        client.ping()
        return {"status": "ok"}
    except redis.RedisError as exc:
        return {"status": "fail", "error": str(exc)}


def worker_health() -> dict:
    try:
        beat = cache.get(HEARTBEAT_KEY)
    except Exception as exc:
        return {"status": "unknown", "error": str(exc)}
    if beat is None:
        return {"status": "unknown", "detail": "no heartbeat yet (is a worker and beat running?)"}
    age = time.time() - float(beat)
    state = "ok" if age <= settings.HYDRA_WORKER_STALE_AFTER else "stale"
    return {"status": state, "last_heartbeat_age_s": round(age, 1)}


def system_health() -> tuple[bool, dict]:
    """Healthy when the database and (in full mode) Redis answer; the worker is reported."""
    parts = {"database": database_health(), "redis": redis_health(), "worker": worker_health()}
    healthy = parts["database"]["status"] == "ok" and parts["redis"]["status"] in ("ok", "embedded")
    return healthy, {
        "status": "ok" if healthy else "fail",
        "mode": settings.HYDRA_MODE,
        "components": parts,
    }
