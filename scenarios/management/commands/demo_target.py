"""``python manage.py demo_target --port 8090 [--push http://127.0.0.1:8000]``: a small
HTTP service to load-test.

Endpoints: ``/`` and ``/fast`` (immediate 200), ``/slow?ms=N``, ``/status/<code>`` and
``/capacity`` (fast up to ``--capacity`` req/s, ``--slow-ms`` slower above: training finds
that capacity), and ``/metrics`` (its request counter and latency histogram in Prometheus's
format: ``seed_demo`` makes a scrape target for it). Binds 127.0.0.1 only; ``make run`` starts it for the demo. With ``--push``
it sends its own server metrics to that Hydra every ``--push-interval`` seconds (host
``127.0.0.1``: request rate, p95 latency, server errors, CPU), so a load test's page shows
the load beside the server's metrics.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time

import httpx
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection

from core.services import api_token_create
from metrics.services import series_units_describe
from scenarios.engine.served import ServedStats
from scenarios.engine.testserver import ThreadedTargetServer

logger = logging.getLogger(__name__)
HOST = "127.0.0.1"


def metrics_body(figures: dict[str, float], at: float) -> dict:
    """The JSON ingestion body for one interval's figures (host 127.0.0.1)."""
    labels = {"service": "demo-target"}
    return {
        "series": [
            {"name": name, "host": HOST, "labels": labels, "points": [[round(at, 3), value]]}
            for name, value in figures.items()
        ]
    }


UNITS = {"http.requests": "req/s", "http.errors": "req/s", "http.latency.p95": "ms",
         "cpu.usage": "%"}  # fmt: skip


def push_forever(url: str, token: str, served: ServedStats, interval: float, stop) -> None:
    """Send the figures every ``interval`` s until ``stop`` is set; a Hydra that isn't up
    yet (or a refused batch) is logged once per failure and retried next interval."""
    headers = {"Authorization": f"Token {token}"}
    described = False
    with httpx.Client(base_url=url, headers=headers, timeout=10) as client, _own_connection():
        while not stop.wait(interval):
            body = metrics_body(served.take(), time.time())
            try:
                response = client.post("/api/v1/metrics/", json=body)
            except httpx.TransportError as exc:
                logger.info("Hydra not reachable for the target's metrics yet: %s", exc)
                continue
            if response.status_code != 201:
                logger.warning("Hydra refused the target's metrics: %s", response.text[:200])
            elif not described:
                described = series_units_describe(units=UNITS, host=HOST) >= 0


@contextlib.contextmanager
def _own_connection():
    """This thread's database connection is closed when it stops."""
    try:
        yield
    finally:
        connection.close()


class Command(BaseCommand):
    help = "Serve a demo HTTP target on 127.0.0.1 for load tests and training."
    requires_system_checks: list[str] = []  # needs no database or settings beyond defaults

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8090)
        parser.add_argument("--capacity", type=float, default=300.0, help="req/s of /capacity")
        parser.add_argument("--slow-ms", type=float, default=120.0)
        parser.add_argument("--push", default="", help="Hydra's base URL to send metrics to")
        parser.add_argument("--push-interval", type=float, default=10.0)
        parser.add_argument("--token", default="", help="API token (default: the first admin's)")

    def handle(self, *args, port: int, capacity: float, slow_ms: float, **options):
        served = ServedStats() if options["push"] else None
        server = ThreadedTargetServer(
            port, capacity_rps=capacity, slow_ms=slow_ms, served=served, metrics=True
        ).start()
        self.stdout.write(f"Demo target on {server.url('/')} (capacity {capacity:g} req/s)")
        stop = threading.Event()
        if served is not None:
            self._start_pushing(options, served, stop)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            server.stop()

    def _start_pushing(self, options: dict, served: ServedStats, stop) -> None:
        token = options["token"] or self._token()
        if not token:
            self.stderr.write("No --token and no admin user: not sending the target's metrics.")
            return
        args = (options["push"], token, served, options["push_interval"], stop)
        threading.Thread(target=push_forever, args=args, daemon=True).start()
        self.stdout.write(f"Sending its metrics (host {HOST}) to {options['push']}")

    def _token(self) -> str:
        user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        return api_token_create(user=user, name="demo target")[1] if user else ""
