"""Send realistic demo metrics for N hosts through Hydra's HTTP API."""

from __future__ import annotations

import gzip
import time

import httpx
import orjson
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.services import api_token_create
from metrics.query.params import parse_duration_s
from metrics.services import series_units_describe
from metrics.simulator import METRICS, HostSimulator, batch_for, demo_incidents

MAX_POINTS_PER_REQUEST = 50_000


class Command(BaseCommand):
    help = (
        "Send realistic metrics (daily/weekly cycles, noise, spikes, level shifts, leaks, "
        "dropouts) for N hosts through the HTTP API, optionally back-filling history first."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--hosts", type=int, default=20)
        parser.add_argument("--interval", type=float, default=10.0, help="seconds between points")
        parser.add_argument(
            "--duration",
            default="",
            help="stop after this long (e.g. 10m); default: run until Ctrl-C",
        )
        parser.add_argument("--backfill", default="", help="send this much history first (e.g. 7d)")
        parser.add_argument(
            "--backfill-interval",
            type=float,
            default=30.0,
            help="spacing of back-filled points (s); host charts of an hour step by 30 s",
        )
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Hydra's base URL")
        parser.add_argument(
            "--token", default="", help="API token (default: make one for the first superuser)"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--wait", type=float, default=60.0, help="seconds to wait for the server"
        )
        parser.add_argument(
            "--demo-incidents",
            action="store_true",
            help="add the demo's scripted incidents (what the seed_demo rules catch)",
        )

    def handle(self, *args, **o) -> None:
        if o["hosts"] < 1 or o["interval"] <= 0:
            raise CommandError("--hosts must be ≥ 1 and --interval > 0")
        now = time.time()
        backfill = parse_duration_s(o["backfill"]) if o["backfill"] else 0.0
        duration = parse_duration_s(o["duration"]) if o["duration"] else None
        horizon = now + (duration or 30 * 86400)
        hosts = [
            HostSimulator(
                f"host-{i:03d}",
                i,
                o["seed"],
                now - backfill,
                horizon,
                demo_incidents(i, now, horizon) if o["demo_incidents"] else (),
            )
            for i in range(o["hosts"])
        ]
        with httpx.Client(base_url=o["url"], headers=self._auth(o["token"]), timeout=60) as client:
            self._wait(client, o["wait"])
            if backfill:
                self._backfill(client, hosts, now - backfill, now, o["backfill_interval"])
            self._live(client, hosts, o["interval"], duration)

    def _auth(self, token: str) -> dict[str, str]:
        if not token:
            user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
            if user is None:
                raise CommandError(
                    "No --token and no superuser to make one for (manage.py ensure_admin)."
                )
            _, token = api_token_create(user=user, name="simulator")
        return {
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
        }

    def _wait(self, client: httpx.Client, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                client.get("/api/v1/health")
                return
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise CommandError(f"Hydra isn't answering at {client.base_url}") from None
                time.sleep(1)

    def _send(self, client: httpx.Client, body: dict) -> int:
        response = client.post("/api/v1/metrics/", content=gzip.compress(orjson.dumps(body)))
        if response.status_code == 429:
            time.sleep(float(response.headers.get("Retry-After", "1")))
            return self._send(client, body)
        if response.status_code != 201:
            raise CommandError(f"ingestion refused ({response.status_code}): {response.text[:500]}")
        return response.json()["accepted"]

    def _backfill(self, client, hosts, start: float, end: float, step: float) -> None:
        per_time = len(hosts) * 8
        chunk = max(1, MAX_POINTS_PER_REQUEST // per_time)
        times = [start + i * step for i in range(int((end - start) / step))]
        sent = 0
        for i in range(0, len(times), chunk):
            sent += self._send(client, batch_for(hosts, times[i : i + chunk]))
        self.stdout.write(f"back-filled {sent} points for {len(hosts)} hosts")

    def _live(self, client, hosts, interval: float, duration: float | None) -> None:
        self.stdout.write(f"sending {len(hosts)} hosts every {interval:g}s (Ctrl-C stops)")
        started = time.monotonic()
        next_at = started
        described = False
        while duration is None or time.monotonic() - started < duration:
            self._send(client, batch_for(hosts, [time.time()]))
            if not described:  # every series exists now: say what its numbers mean
                series_units_describe(units={m.name: m.unit for m in METRICS if m.unit})
                described = True
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))
