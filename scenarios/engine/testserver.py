"""An in-process aiohttp target for tests and demos (binds 127.0.0.1 only).

Endpoints: ``/fast`` (200), ``/slow?ms=N`` (sleeps), ``/status/{code}``, ``/chunked``
(chunked body), ``/close`` (HTTP/1.0-style close-delimited body) and ``/capacity``: fast
while the request rate (measured over the last ``window`` seconds) stays at or below
``capacity_rps``, then ``slow_ms`` slower — a service with a known capacity. With
``metrics=True``, ``/metrics`` exposes its request counter and latency histogram
(``exposition.ServerMetrics``) for Hydra to scrape.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque

from aiohttp import web
from aiohttp.test_utils import TestServer

from scenarios.engine.exposition import ServerMetrics
from scenarios.engine.served import ServedStats


class TargetServer:
    """Start with ``await start()``; ``url(path)`` builds request URLs."""

    def __init__(
        self,
        capacity_rps: float = 100.0,
        slow_ms: float = 60.0,
        window: float = 0.5,
        served: ServedStats | None = None,
        metrics: bool = False,
    ):
        """Configure the capacity endpoint; ``served`` records every request when given;
        ``metrics`` serves ``/metrics``."""
        self.capacity_rps, self.slow_ms, self.window = capacity_rps, slow_ms, window
        self.metrics = ServerMetrics() if metrics else None
        self.hits: deque[float] = deque()
        self.count = 0
        self.served = served
        self._server: TestServer | None = None

    def app(self) -> web.Application:
        """The aiohttp application."""
        recording = self.served is not None or self.metrics is not None
        app = web.Application(middlewares=[self._record] if recording else [])
        app.router.add_get("/", self.fast)
        app.router.add_get("/fast", self.fast)
        app.router.add_route("*", "/echo", self.fast)
        app.router.add_get("/slow", self.slow)
        app.router.add_get("/status/{code}", self.status)
        app.router.add_get("/chunked", self.chunked)
        app.router.add_get("/close", self.close_delimited)
        app.router.add_get("/capacity", self.capacity)
        if self.metrics is not None:
            app.router.add_get("/metrics", self.metrics.handler)
        return app

    @web.middleware
    async def _record(self, request: web.Request, handler) -> web.StreamResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            seconds = time.perf_counter() - started
            if self.served is not None:
                self.served.record(seconds * 1000, status)
            if self.metrics is not None and request.path != "/metrics":
                self.metrics.observe(request, status, seconds)

    async def start(self, port: int | None = None) -> None:
        """Listen on loopback, on ``port`` or an ephemeral one."""
        self._server = TestServer(self.app(), host="127.0.0.1", port=port)
        await self._server.start_server(access_log=None)

    async def stop(self) -> None:
        """Shut the server down."""
        if self._server is not None:
            await self._server.close()

    def url(self, path: str) -> str:
        """Absolute URL for ``path``."""
        assert self._server is not None
        return str(self._server.make_url(path))

    def reset(self) -> None:
        """Forget the rate history of ``/capacity``."""
        self.hits.clear()

    async def fast(self, request: web.Request) -> web.Response:
        """Immediate 200."""
        self.count += 1
        await request.read()
        return web.Response(text="ok")

    async def slow(self, request: web.Request) -> web.Response:
        """200 after ``ms`` milliseconds."""
        await asyncio.sleep(float(request.query.get("ms", "200")) / 1000)
        return web.Response(text="slow")

    async def status(self, request: web.Request) -> web.Response:
        """Answer with the requested status code."""
        return web.Response(status=int(request.match_info["code"]), text="status")

    async def chunked(self, request: web.Request) -> web.StreamResponse:
        """A chunked body in several pieces."""
        resp = web.StreamResponse()
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        for part in (b"a" * 10, b"b" * 5000, b"c"):
            await resp.write(part)
        await resp.write_eof()
        return resp

    async def close_delimited(self, request: web.Request) -> web.StreamResponse:
        """A body without length, ended by closing the connection."""
        resp = web.StreamResponse(headers={"Connection": "close"})
        resp.force_close()
        await resp.prepare(request)
        await resp.write(b"until-close")
        await resp.write_eof()
        return resp

    async def capacity(self, request: web.Request) -> web.Response:
        """Fast below ``capacity_rps``, ``slow_ms`` slower above it."""
        now = time.monotonic()
        self.hits.append(now)
        while self.hits and self.hits[0] < now - self.window:
            self.hits.popleft()
        if len(self.hits) / self.window > self.capacity_rps:
            await asyncio.sleep(self.slow_ms / 1000)
        return web.Response(text="cap")


class ThreadedTargetServer:
    """A ``TargetServer`` on its own event loop in a daemon thread, for synchronous code
    (Django tests, the ``demo_target`` command). ``with ThreadedTargetServer() as t:``."""

    def __init__(self, port: int | None = None, **options) -> None:
        """``options`` go to ``TargetServer`` (capacity_rps, slow_ms, window)."""
        self.server = TargetServer(**options)
        self.port = port
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> ThreadedTargetServer:
        """Start the loop and the server; returns self."""
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(self.port), self.loop).result(10)
        return self

    def stop(self) -> None:
        """Stop the server and the loop."""
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def url(self, path: str) -> str:
        """Absolute URL for ``path``."""
        return self.server.url(path)

    def __enter__(self) -> ThreadedTargetServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
