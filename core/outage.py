"""What Hydra does when Redis or PostgreSQL is down (issue 12, defects 2 and 3).

- Redis: ingestion does not need it. The throttle fails open and the live publish is
  skipped; each is logged (at most once a minute per kind) and counted in
  ``hydra_redis_unavailable_total{operation}`` on ``/metrics``.
- Anything that truly needs a store that is down answers JSON 503 with ``Retry-After``
  (``unavailable_response``), from the DRF exception handler, the ingestion front and a
  middleware for the pages; never an HTML 500.
- PostgreSQL: psycopg's pool backs off exponentially between reconnection attempts (16 s
  and more after a short outage); ``database_failed`` replaces the pool, at most once a
  second, so the first request after the database returns gets a fresh connection.
"""

from __future__ import annotations

import logging
import threading
import time

import psycopg
import redis
from django.db import DatabaseError, connections
from django.http import JsonResponse
from prometheus_client import Counter

logger = logging.getLogger("core.outage")
REDIS_UNAVAILABLE = Counter(
    "hydra_redis_unavailable",
    "Operations done without Redis because it did not answer (throttle skipped, live "
    "publish skipped, ...)",
    ["operation"],
)
DATABASE_UNAVAILABLE = Counter(
    "hydra_database_unavailable", "Requests answered 503 because the database was down"
)
RETRY_AFTER_S = 5
LOG_EVERY_S = 60.0
POOL_RESET_EVERY_S = 1.0
_last_logged: dict[str, float] = {}
_last_reset = 0.0
_lock = threading.Lock()

# errors meaning "a store is unreachable", whoever raised them (Django wraps psycopg's
# errors on the ORM's paths, but not inside a raw COPY; the pool's timeout is psycopg's)
DATABASE_ERRORS: tuple[type[BaseException], ...] = (DatabaseError, psycopg.OperationalError)
REDIS_ERRORS: tuple[type[BaseException], ...] = (redis.RedisError, ConnectionError)


def is_database_down(exc: BaseException) -> bool:
    """Is ``exc`` the database being unreachable (connection, pool timeout, shutdown)?"""
    from django.db import InterfaceError, OperationalError

    return isinstance(
        exc, OperationalError | InterfaceError | psycopg.OperationalError | psycopg.InterfaceError
    ) or isinstance(exc.__cause__, psycopg.OperationalError)


def redis_failed(operation: str, exc: BaseException) -> None:
    """Count (and now and then log) an operation done without Redis."""
    REDIS_UNAVAILABLE.labels(operation).inc()
    _log_sometimes(f"redis:{operation}", "Redis unavailable: %s skipped (%s)", operation, exc)


def database_failed(exc: BaseException) -> None:
    """Count, log now and then, and let the next request reconnect at once."""
    global _last_reset
    DATABASE_UNAVAILABLE.inc()
    _log_sometimes("database", "database unavailable: %s", (str(exc) or repr(exc)).splitlines()[0])
    now = time.monotonic()
    with _lock:
        if now - _last_reset < POOL_RESET_EVERY_S:
            return
        _last_reset = now
    _reset_pools()


def _reset_pools() -> None:
    """Drop the process's connection pools; Django makes a new one on the next use (the old
    one is closed in the background: closing waits for its connecting threads)."""
    for conn in connections.all(initialized_only=True):
        pools = getattr(conn, "_connection_pools", {})
        pool = pools.pop(conn.alias, None)  # Django 5.1+: one pool per alias, class-wide
        if pool is not None:
            threading.Thread(target=pool.close, daemon=True, name="hydra-pool-close").start()


def _log_sometimes(kind: str, message: str, *args) -> None:
    now = time.monotonic()
    if now - _last_logged.get(kind, -LOG_EVERY_S) >= LOG_EVERY_S:
        _last_logged[kind] = now
        logger.warning(message, *args)


def unavailable_body(what: str) -> dict:
    return {"detail": f"The {what} is unavailable; nothing was written. Retry later."}


def unavailable_response(what: str) -> JsonResponse:
    """JSON 503 with Retry-After (``what``: "database" or "cache (Redis)")."""
    return JsonResponse(
        unavailable_body(what), status=503, headers={"Retry-After": str(RETRY_AFTER_S)}
    )
