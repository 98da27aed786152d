"""Hydra's real run path for the load benchmark: a full-mode Django set-up on a bench
database, and runs executed by ``scenarios.services.run_execute`` exactly as the
``scenarios`` worker executes them (per-second series writes, run-row updates, ``run:<id>``
live messages through the Redis channel layer, the cancel check).

Used by ``bench/load.py``; ``setup()`` must run before any other function here.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from _server import database_recreate, manage  # noqa: I001  (bench/ is on sys.path when run as a script)

FINAL = {"completed", "aborted", "cancelled", "failed"}


# --------------------------------------------------------------------------- database


def setup(database_url: str, redis_url: str, data_dir: str) -> None:
    """Recreate and migrate the bench database, then set Django up in this process in
    full mode (PostgreSQL + Redis channel layer), as a ``scenarios`` worker runs."""
    tag = f"hydra-bench-load-{os.getpid()}"
    env = {
        "DJANGO_SETTINGS_MODULE": "hydra.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": secrets.token_urlsafe(40),
        "HYDRA_DATA_DIR": data_dir,
        "HYDRA_EMBEDDED_SCHEDULER": "false",
        "HYDRA_CACHE_PREFIX": tag,
        "HYDRA_CHANNEL_PREFIX": tag,
        "HYDRA_LOG_LEVEL": "WARNING",
        "DEBUG": "false",
    }
    os.environ.update(env)
    database_recreate(database_url)
    manage({**os.environ}, "migrate", "--noinput")
    import django

    django.setup()


# --------------------------------------------------------------------------- live


class LiveListener:
    """Subscribes to a run's live topic, as the run page's socket does, and counts what
    arrives until the run's final message. Its own channel-layer instance and event loop,
    on a thread that mostly waits on Redis."""

    def __init__(self, topic: str) -> None:
        from core.live import group_for

        self.group = group_for(topic)
        self.messages = 0
        self.seconds = 0
        self.final: str | None = None
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._main, daemon=True, name="bench-live")

    def __enter__(self) -> LiveListener:
        self.thread.start()
        if not self.ready.wait(10):
            raise SystemExit("live listener did not subscribe within 10 s")
        return self

    def __exit__(self, *exc: object) -> None:
        self.thread.join(timeout=10)

    def _main(self) -> None:
        asyncio.run(self._listen())

    async def _listen(self) -> None:
        from channels.layers import DEFAULT_CHANNEL_LAYER, channel_layers

        layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
        channel = await layer.new_channel()
        await layer.group_add(self.group, channel)
        self.ready.set()
        try:
            while self.final is None:
                payload = (await layer.receive(channel)).get("payload") or {}
                self.messages += 1
                self.seconds += payload.get("second") is not None
                if payload.get("status") in FINAL:
                    self.final = payload["status"]
        finally:
            await layer.group_discard(self.group, channel)


# --------------------------------------------------------------------------- runs


@dataclass
class RecordTimes:
    """Wall and writer-thread CPU time of each ``record_run_second`` call, and the second
    it recorded."""

    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    seconds: list[dict] = field(default_factory=list)

    def wrap(self, fn: Any) -> Any:
        def timed(run: Any, stats: Any, *args: Any) -> Any:
            self.seconds.append(second_brief(stats))
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return fn(run, stats, *args)
            finally:
                self.cpu_ms.append((time.thread_time() - cpu) * 1000)
                self.wall_ms.append((time.perf_counter() - wall) * 1000)

        return timed


@dataclass
class RealRun:
    """What one run through ``run_execute`` produced."""

    summary: dict
    status: str
    seconds_recorded: int  # the run row's live second count
    points: int  # points stored in the run's scenario.* series
    live_messages: int  # run:<id> messages received by the listener
    live_seconds: int  # ... of which per-second updates
    record: RecordTimes


def real_run(url: str, duration: float, **spec: Any) -> RealRun:
    """Create a scenario and a queued run, execute it as the worker does, and check that
    its seconds were stored and published."""
    from metrics.models import Point, Series
    from scenarios import services
    from scenarios.models import Scenario, ScenarioRun
    from scenarios.services import runs

    data = {"requests": [{"url": url}], "duration": duration, "timeout": 5, **spec}
    scenario = Scenario.objects.create(name=f"bench {spec.get('executor')}", spec=data)
    run = ScenarioRun.objects.create(
        scenario=scenario,
        name=scenario.name,
        spec=scenario.engine_spec().to_dict(),
        monitored_host=scenario.watched_host(),
    )
    times = RecordTimes()
    original = runs.record_run_second
    runs.record_run_second = times.wrap(original)  # timing only; the call is unchanged
    try:
        with LiveListener(f"run:{run.pk}") as live:
            services.run_execute(run_id=run.pk)
    finally:
        runs.record_run_second = original
    run.refresh_from_db()
    if run.summary is None:
        raise SystemExit(f"run {run.pk} ended {run.status}: {run.reason}")
    series = Series.objects.filter(labels__run=str(run.pk)).values_list("pk", flat=True)
    return RealRun(
        summary=run.summary,
        status=run.status,
        seconds_recorded=int(run.live.get("seconds", 0)),
        points=Point.objects.filter(series_id__in=list(series)).count(),
        live_messages=live.messages,
        live_seconds=live.seconds,
        record=times,
    )


def second_brief(stats: Any) -> dict:
    """The fields of a ``SecondStats`` the report shows."""
    keys = ("elapsed", "interval", "rps", "dropped", "in_flight", "max_ms")
    return {key: getattr(stats, key) for key in keys}


def engine_run(url: str, duration: float, **spec: Any) -> tuple[dict, list[dict]]:
    """The engine alone (no database, no publishing), on the same event loop and with the
    same collector set-up as ``run_execute`` (uvloop when installed, long-lived objects
    frozen): (summary, per-second briefs)."""
    from scenarios.engine import ScenarioRun, ScenarioSpec
    from scenarios.services.runs import _gc_frozen, _loop_factory

    seconds: list = []
    data = {"requests": [{"url": url}], "duration": duration, "timeout": 5, **spec}
    run = ScenarioRun(
        ScenarioSpec.from_dict(data), on_second=lambda stats: seconds.append(second_brief(stats))
    )
    with _gc_frozen(), asyncio.Runner(loop_factory=_loop_factory()) as runner:
        summary = runner.run(run.run())
    return summary.as_dict(), seconds


def loop_name() -> str:
    from scenarios.services.runs import _loop_factory

    return "uvloop" if _loop_factory() else "asyncio (uvloop not installed)"
