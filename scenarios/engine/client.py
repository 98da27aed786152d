"""HTTP clients: a lean HTTP/1.1 keep-alive client (default) and an aiohttp one.

``FastClient`` pre-encodes each request once and parses responses with a tiny state
machine (Content-Length, chunked, close-delimited; HEAD/1xx/204/304 without body),
discarding bodies. It does not follow redirects, use proxies or cookies: a load test
measures the exchange itself. ``AiohttpClient`` (``client: "aiohttp"`` in the spec) uses
one ``aiohttp.ClientSession`` with ``TCPConnector(limit=concurrency)`` and also does not
follow redirects. Both expose ``await send(req) -> (status, latency_us)`` and ``close()``.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from dataclasses import dataclass
from time import perf_counter_ns
from urllib.parse import urlsplit

import aiohttp
from yarl import URL

from .protocol import ProtocolError, ResponseProtocol
from .spec import RequestSpec

USER_AGENT = "hydra-loadtest/1.0"


@dataclass(frozen=True, slots=True)
class PreparedRequest:
    """A request ready to send: pre-encoded bytes for the fast client, URL for aiohttp."""

    name: str
    method: str
    url: URL
    origin: tuple[str, str, int]
    raw: bytes
    headers: dict[str, str]
    body: bytes | None


def prepare_request(spec: RequestSpec) -> PreparedRequest:
    """Encode a ``RequestSpec`` once (request line, Host, headers, Content-Length, body)."""
    parts = urlsplit(spec.url)
    scheme, host = parts.scheme, parts.hostname or ""
    port = parts.port or (443 if scheme == "https" else 80)
    body = spec.body_bytes()
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*", **spec.headers}
    if isinstance(spec.body, dict | list):
        headers.setdefault("Content-Type", "application/json")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [f"{spec.method} {target} HTTP/1.1", f"Host: {parts.netloc.rsplit('@', 1)[-1]}"]
    lines += [f"{k}: {v}" for k, v in headers.items() if k.lower() != "host"]
    if body is not None or spec.method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body or b'')}")
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
    origin = (scheme, host, port)
    return PreparedRequest(spec.name, spec.method, URL(spec.url), origin, raw, headers, body)


class FastClient:
    """Keep-alive HTTP/1.1 client: a LIFO pool of idle connections per origin."""

    def __init__(self, timeout: float, ssl_context: ssl.SSLContext | None = None) -> None:
        """``timeout`` covers connect plus the whole response."""
        self.timeout = timeout
        self._ssl = ssl_context
        self._idle: dict[tuple[str, str, int], list[ResponseProtocol]] = {}
        self._open: set[ResponseProtocol] = set()
        self._loop = asyncio.get_running_loop()

    async def send(self, req: PreparedRequest) -> tuple[int, int]:
        """Send ``req``; returns (status, latency µs); raises on timeout/connection errors."""
        idle = self._idle.get(req.origin)
        while idle and idle[-1].closed:
            self._open.discard(idle.pop())
        if idle:
            conn = idle.pop()
            try:
                return await self._exchange(conn, req, self.timeout)
            except ConnectionResetError:
                if conn.bytes_received:
                    raise  # the server answered part of it: a real reset, not a stale socket
        deadline = self._loop.time() + self.timeout
        conn = await self._connect(req.origin)
        return await self._exchange(conn, req, max(deadline - self._loop.time(), 0.001))

    async def _exchange(
        self, conn: ResponseProtocol, req: PreparedRequest, timeout: float
    ) -> tuple[int, int]:
        """One request/response on ``conn``; returns it to the pool when reusable."""
        try:
            status = await conn.request(req.raw, req.method == "HEAD", timeout)
        except BaseException:
            conn.abort()
            self._open.discard(conn)
            raise
        if conn.reusable:
            self._idle.setdefault(req.origin, []).append(conn)
        else:
            conn.abort()
            self._open.discard(conn)
        return status, conn.latency_us

    async def _connect(self, origin: tuple[str, str, int]) -> ResponseProtocol:
        """Open a new connection (TLS for https) within the timeout."""
        scheme, host, port = origin
        ssl_ctx = (self._ssl or ssl.create_default_context()) if scheme == "https" else None
        connect = self._loop.create_connection(ResponseProtocol, host, port, ssl=ssl_ctx)
        _, conn = await asyncio.wait_for(connect, self.timeout)
        self._open.add(conn)
        return conn

    async def close(self) -> None:
        """Close every connection."""
        for conn in list(self._open):
            conn.abort()
        self._open.clear()
        self._idle.clear()


class AiohttpClient:
    """aiohttp-based client (one session, ``TCPConnector(limit=concurrency)``)."""

    def __init__(self, timeout: float, concurrency: int) -> None:
        """Create the session; call inside a running event loop."""
        connector = aiohttp.TCPConnector(limit=concurrency, ttl_dns_cache=300)
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=timeout),
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,
            headers={"User-Agent": USER_AGENT},
        )

    async def send(self, req: PreparedRequest) -> tuple[int, int]:
        """Send ``req``; returns (status, latency µs, measured around the whole call)."""
        start = perf_counter_ns()
        async with self._session.request(
            req.method, req.url, headers=req.headers, data=req.body, allow_redirects=False
        ) as resp:
            await resp.read()
            return resp.status, (perf_counter_ns() - start) // 1000

    async def close(self) -> None:
        """Close the session."""
        await self._session.close()


def classify_exception(exc: BaseException) -> str:
    """Map a client exception to an error kind (timeout, connection_refused, dns, ...)."""
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return "dns"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return classify_exception(exc.os_error)
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "connection_reset"
    if isinstance(exc, aiohttp.ClientOSError) and isinstance(exc.__cause__, OSError):
        return classify_exception(exc.__cause__)
    return _classify_builtin(exc)


def _classify_builtin(exc: BaseException) -> str:
    """Classification for standard-library exceptions."""
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "connection_refused"
    if isinstance(exc, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        return "connection_reset"
    if isinstance(exc, socket.gaierror):
        return "dns"
    if isinstance(exc, ssl.SSLError | aiohttp.ClientSSLError):
        return "ssl"
    if isinstance(exc, ProtocolError | aiohttp.ClientPayloadError | aiohttp.ClientResponseError):
        return "protocol_error"
    if isinstance(exc, OSError | aiohttp.ClientError):
        return "connection_error"
    return "other"
