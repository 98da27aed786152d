"""A fast front for the ingestion routes, in front of Django in ``hydra.asgi``.

``POST /api/v1/metrics/``, ``/write`` and ``/api/v2/write`` from a client with an API token
are served here, with the same functions as the DRF views (token lookup, read-only scope,
throttle, body limits and gzip, parse, store, instrumentation) but without building a
Django request, running the middleware stack and DRF's dispatch, or starting a thread per
request: together those were about a third of a 5,000-point batch's cost in daphne
(bench/ingest.py). The answer is the one Django gives: same status, body and headers
(``metrics/tests/test_ingest_front.py`` compares them).

Everything else goes to Django unchanged, with the body already read: other paths and
methods, requests without a token (sessions), a host not in ALLOWED_HOSTS, another
JSON content type or encoding, an oversize body, an unknown, revoked or read-only token, a
token whose user's role may not ingest (a viewer's), a throttled request, a batch that
fails validation, and a store that fails. Nothing was written or counted for a request
handed on, so Django answers it exactly as before (the 400/401/403/413/415/429 bodies,
logging). ``HYDRA_INGEST_FRONT=false`` turns the front off.

Apps above metrics add routes of their own (``IngestFront(app, routes={path: Route})``, wired
in ``hydra.asgi``): Prometheus remote write is served here with its snappy ``unpack``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl

import orjson
from asgiref.sync import sync_to_async
from csp.constants import HEADER as CSP_HEADER
from csp.utils import build_policy
from django.conf import settings
from django.db import close_old_connections, connections
from django.http.request import split_domain_port, validate_host
from rest_framework.exceptions import APIException

from core.api.authentication import key_from, token_for
from core.api.throttling import TokenRateThrottle
from core.outage import (
    DATABASE_ERRORS,
    RETRY_AFTER_S,
    database_failed,
    is_database_down,
    unavailable_body,
)
from core.threads import ForkSafePool
from metrics.api.body import decode, media_type, type_accepted
from metrics.api.ingest_views import (
    JSON_TYPES,
    LINE_TYPES,
    parse_json_body,
    parse_line_body,
    record_ok,
    store,
)
from metrics.ingest import IngestError, RequestTooLarge

Answer = tuple[int, bytes]
INGEST_PERMISSION = "metrics.add_point"  # as the views' required_perms (editors and admins)


@dataclass(frozen=True)
class Route:
    fmt: str
    types: tuple[str, ...] | None  # None: any Content-Type (line protocol, like InfluxDB)
    parse: Any
    created: int  # the success status: 201 with {"accepted": N}, or 204 like InfluxDB
    allow: str  # the view's Allow header
    encodings: tuple[str, ...] = ("identity", "", "gzip")  # Content-Encodings served here
    unpack: Callable[[bytes, str, int], bytes] = decode  # (body, encoding, limit) -> raw
    query_key: bool = False  # InfluxDB's ?p=<token> accepted (core.api.authentication)


JSON_ROUTE = Route("json", JSON_TYPES, parse_json_body, 201, "GET, POST, HEAD, OPTIONS")
LINE_ROUTE = Route("line", LINE_TYPES, parse_line_body, 204, "POST, OPTIONS", query_key=True)
ROUTES = {"/api/v1/metrics/": JSON_ROUTE, "/write": LINE_ROUTE, "/api/v2/write": LINE_ROUTE}


@dataclass
class Request:
    """What the front reads of an ASGI request."""

    headers: dict[str, str]
    query: dict[str, str]

    @classmethod
    def from_scope(cls, scope: dict) -> Request | None:
        """None when a header the front reads is repeated (Django decides those)."""
        headers: dict[str, str] = {}
        for name, value in scope.get("headers", ()):
            key = name.decode("latin-1").lower()
            if key in headers:
                return None
            headers[key] = value.decode("latin-1")
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        return cls(headers, query)

    def servable(self, route: Route) -> bool:
        """Can the front answer this as Django would? (else Django does)"""
        length = self.headers.get("content-length", "0")
        return (
            type_accepted(media_type(self.headers.get("content-type", "")), route.types)
            and self.headers.get("content-encoding", "identity").strip().lower() in route.encodings
            and length.isdigit()
            and int(length) <= settings.HYDRA_INGEST_MAX_BYTES
            and ("authorization" in self.headers or (route.query_key and "p" in self.query))
            and _host_allowed(self.headers.get("host", ""))
        )


def _host_allowed(host: str) -> bool:
    if settings.USE_X_FORWARDED_HOST or settings.SECURE_SSL_REDIRECT:
        return False  # Django's own host and scheme rules apply
    domain, _ = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, allowed)


def route_for(scope: dict, routes: dict[str, Route] = ROUTES) -> Route | None:
    if scope["type"] != "http" or scope.get("method") != "POST":
        return None
    path = scope["path"]
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return routes.get(path)


# --------------------------------------------------------------------------- the work


def serve(route: Route, request: Request, body: bytes) -> Answer | None:
    """Authenticate, throttle, parse and store, in a worker thread; None: hand to Django.
    The database down: 503 at once (Django would only wait for the pool again)."""
    try:
        close_old_connections()
        return _serve(route, request, body)
    except DATABASE_ERRORS as exc:
        if not is_database_down(exc):
            raise
        database_failed(exc)
        return 503, orjson.dumps(unavailable_body("database"))
    finally:
        connections.close_all()  # back to the pool (PostgreSQL) or closed (SQLite)


def _serve(route: Route, request: Request, body: bytes) -> Answer | None:
    try:
        query_key = request.query.get("p") if route.query_key else None
        key = key_from(request.headers.get("authorization", ""), query_key)
        token = token_for(key) if key else None
        if token is None or token.read_only or not token.user.has_perm(INGEST_PERMISSION):
            return None
        started = time.perf_counter()
        raw = route.unpack(
            body, request.headers.get("content-encoding", ""), settings.HYDRA_INGEST_MAX_BYTES
        )
        batch = route.parse(raw, request.query.get("precision"))
    except (APIException, IngestError, RequestTooLarge):
        return None
    throttle = TokenRateThrottle()
    if not throttle.allow_request(SimpleNamespace(auth=token, user=token.user), None):
        return None
    try:
        accepted = store(batch)
    except Exception as exc:
        throttle.refund()
        if isinstance(exc, DATABASE_ERRORS) and is_database_down(exc):
            raise
        return None
    record_ok(route.fmt, started)
    if route.created == 204:
        return 204, b""
    return 201, b'{"accepted":%d}' % accepted


# --------------------------------------------------------------------------- ASGI


def _headers(route: Route, status: int, body: bytes) -> list[tuple[bytes, bytes]]:
    """The headers Django's stack adds to the view's answer (DRF, security, clickjacking)."""
    out = [("Vary", "Accept, Cookie"), ("Allow", route.allow)]
    if status == 503:
        out.append(("Retry-After", str(RETRY_AFTER_S)))
    if status != 204:
        out.insert(0, ("Content-Type", "application/json"))
    if settings.X_FRAME_OPTIONS:
        out.append(("X-Frame-Options", settings.X_FRAME_OPTIONS))
    out.append(("Content-Length", str(len(body))))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        out.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        policy = settings.SECURE_REFERRER_POLICY
        out.append(("Referrer-Policy", policy if isinstance(policy, str) else ",".join(policy)))
    if getattr(settings, "CONTENT_SECURITY_POLICY", None):  # django-csp's middleware
        out.append((CSP_HEADER, build_policy()))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        out.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    return [(k.encode(), v.encode("latin-1")) for k, v in out]


async def _read(receive, limit: int) -> tuple[list[bytes], bool, bool]:
    """(chunks, complete, disconnected): reading stops past ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return chunks, False, True
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return chunks, True, False
        if size > limit:
            return chunks, False, False


def _replay(chunks: list[bytes], complete: bool, receive):
    """A ``receive`` that first gives back what the front already read."""
    pending = [{"type": "http.request", "body": b"".join(chunks), "more_body": not complete}]

    async def replayed() -> dict:
        return pending.pop() if pending else await receive()

    return replayed


class IngestFront:
    """ASGI app: ingestion batches with a token are served here, the rest by ``app``.

    ``routes``: more paths to serve (apps above metrics), on top of the JSON and line ones."""

    def __init__(self, app, routes: dict[str, Route] | None = None) -> None:
        self.app = app
        self.routes = {**ROUTES, **(routes or {})}
        executor = ForkSafePool(settings.HYDRA_INGEST_THREADS, "hydra-ingest")
        self.serve = sync_to_async(serve, thread_sensitive=False, executor=executor)

    async def __call__(self, scope, receive, send) -> None:
        route = route_for(scope, self.routes)
        request = Request.from_scope(scope) if route is not None else None
        if route is None or request is None or not request.servable(route):
            return await self.app(scope, receive, send)
        chunks, complete, gone = await _read(receive, settings.HYDRA_INGEST_MAX_BYTES)
        if gone:
            return None
        answer = await self.serve(route, request, b"".join(chunks)) if complete else None
        if answer is None:
            return await self.app(scope, _replay(chunks, complete, receive), send)
        status, body = answer
        headers = _headers(route, status, body)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return None
