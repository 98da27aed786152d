"""``python manage.py demo_target --port 8090``: a small HTTP service to load-test.

Endpoints: ``/`` and ``/fast`` (immediate 200), ``/slow?ms=N``, ``/status/<code>`` and
``/capacity`` (fast up to ``--capacity`` req/s, ``--slow-ms`` slower above: training finds
that capacity). Binds 127.0.0.1 only; ``make run`` starts it for the demo.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from scenarios.engine.testserver import ThreadedTargetServer


class Command(BaseCommand):
    help = "Serve a demo HTTP target on 127.0.0.1 for load tests and training."
    requires_system_checks: list[str] = []  # needs no database or settings beyond defaults

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8090)
        parser.add_argument("--capacity", type=float, default=300.0, help="req/s of /capacity")
        parser.add_argument("--slow-ms", type=float, default=120.0)

    def handle(self, *args, port: int, capacity: float, slow_ms: float, **options):
        server = ThreadedTargetServer(port, capacity_rps=capacity, slow_ms=slow_ms).start()
        self.stdout.write(f"Demo target on {server.url('/')} (capacity {capacity:g} req/s)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
