"""Queueing, executing, stopping and reaping load-test runs.

A run is queued by ``run_request`` (the API, the page), claimed by exactly one worker in
``run_execute`` with a conditional update (a redelivered task finds it no longer queued),
and stopped by ``run_cancel`` setting a flag that the worker reads every second.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.dispatch import enqueue
from core.live import publish
from scenarios import conf
from scenarios.engine import RunSummary, ScenarioSpec
from scenarios.engine import ScenarioRun as EngineRun
from scenarios.models import Execution, Scenario, ScenarioRun
from scenarios.recording import SecondWriter, mark_window_states, progress, record_run_second
from scenarios.services.scenarios import User, check_spec_safe, owner_of

logger = logging.getLogger(__name__)
E = TypeVar("E", bound=Execution)
Status = ScenarioRun.Status


def run_request(*, scenario: Scenario, user: User | None = None) -> ScenarioRun:
    """Check the scenario (allow-list, caps) and queue a run on the ``scenarios`` queue."""
    spec = check_spec_safe(scenario.spec, scenario.name)
    with transaction.atomic():
        run = ScenarioRun.objects.create(
            scenario=scenario,
            name=scenario.name,
            spec=spec.to_dict(),
            monitored_host=scenario.watched_host(),
            created_by=owner_of(user),
        )
        transaction.on_commit(lambda: enqueue("scenarios.tasks.run_scenario", run.pk))
    return run


def run_cancel(*, run: ScenarioRun) -> ScenarioRun:
    """Stop a run: a queued one never starts, a running one stops within about a second."""
    now = timezone.now()
    queued = ScenarioRun.objects.filter(pk=run.pk, status=Status.QUEUED)
    if queued.update(
        status=Status.CANCELLED, cancel_requested=True, reason="cancelled before it started",
        ended_at=now,
    ):  # fmt: skip
        run.refresh_from_db()
        _publish_end(run)
        return run
    ScenarioRun.objects.filter(pk=run.pk, status=Status.RUNNING).update(cancel_requested=True)
    run.refresh_from_db()
    return run


def claim(model: type[E], pk: int) -> E | None:
    """Move a queued run or training session to running with a conditional update; None
    when another worker (or a cancel) got there first."""
    now = timezone.now()
    claimed = model._default_manager.filter(pk=pk, status="queued").update(
        status="running", started_at=now, heartbeat_at=now
    )
    return model._default_manager.get(pk=pk) if claimed else None


def run_execute(*, run_id: int) -> ScenarioRun | None:
    """Execute a queued run to the end in this worker; store its summary."""
    run = claim(ScenarioRun, run_id)
    if run is None:
        return None
    publish([(f"run:{run.pk}", {"type": "run.progress", "payload": progress(run.pk, run.status)})])
    writer = SecondWriter()
    try:
        summary = _drive(run, writer)
    except ValueError as exc:  # spec, allow-list or cap refused in the worker's preflight
        return _fail(run, str(exc))
    except Exception as exc:
        logger.exception("load test %s failed", run.pk)
        return _fail(run, f"engine error: {exc!r}")
    finally:
        writer.close()
    return _finish(run, summary)


def _loop_factory():
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def _drive(run: ScenarioRun, writer: SecondWriter) -> RunSummary:
    """Run the engine; each second is queued to the writer thread, not waited for: a slow
    database must not hold up the engine's next second or its threshold checks, and the
    last second, queued as the run ends, is still written (``writer.close`` waits)."""
    engine = EngineRun(
        ScenarioSpec.from_dict(run.spec),
        allowed_hosts=conf.allowed_hosts(),
        limits=conf.limits(),
    )
    seen: dict[str, int] = {}

    def on_second(stats) -> None:
        results = engine.thresholds.results()
        mark_window_states(results, seen)
        writer.submit(record_run_second, run, stats, results).add_done_callback(recorded)

    def recorded(write: Future) -> None:  # on the writer thread
        if write.exception() is not None:
            logger.error(
                "load test %s: a second was not recorded", run.pk, exc_info=write.exception()
            )
        elif write.result():
            with suppress(RuntimeError):  # the run already ended and closed its event loop
                engine.cancel("stopped by a user")

    engine.on_second = on_second
    with _gc_frozen(), asyncio.Runner(loop_factory=_loop_factory()) as runner:
        return runner.run(engine.run())


@contextmanager
def _gc_frozen() -> Iterator[None]:
    """Keep the cyclic garbage collector off the objects that exist before the run.

    A worker holds a few hundred thousand long-lived objects (Django, the ORM, numpy); a
    full collection during a run scans them all and stops the event loop for 0.1-1 s on a
    busy machine, which an arrival-rate run feels as a burst of late requests (and new
    connections). Frozen objects are skipped until the run ends, then handed back.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _finish(run: ScenarioRun, summary: RunSummary) -> ScenarioRun:
    data = summary.as_dict()
    _store_end(run, summary.status, summary.reason, summary=data, passed=summary.thresholds_passed)
    return run


def _fail(run: ScenarioRun, reason: str) -> ScenarioRun:
    _store_end(run, Status.FAILED, reason)
    return run


def _store_end(run: ScenarioRun, status: str, reason: str, **result: Any) -> None:
    run.status, run.reason, run.ended_at = status, reason, timezone.now()
    run.summary = result.get("summary")
    run.thresholds_passed = result.get("passed")
    run.save(update_fields=["status", "reason", "ended_at", "summary", "thresholds_passed"])
    _publish_end(run)


def _publish_end(run: ScenarioRun) -> None:
    summary = run.summary or {"status": run.status, "reason": run.reason}
    message = progress(run.pk, run.status, summary=summary)
    publish([(f"run:{run.pk}", {"type": "run.progress", "payload": message})])


def runs_reap_stale() -> int:
    """Mark running runs whose worker stopped reporting as failed (worker killed, host lost)."""
    cutoff = timezone.now() - settings.HYDRA_SCENARIO_STALE_AFTER
    stale = list(ScenarioRun.objects.filter(status=Status.RUNNING, heartbeat_at__lt=cutoff))
    for run in stale:
        reason = f"the load generator stopped reporting (no update since {run.heartbeat_at:%H:%M:%S} UTC)"
        claimed = ScenarioRun.objects.filter(pk=run.pk, status=Status.RUNNING).update(
            status=Status.FAILED, reason=reason, ended_at=timezone.now()
        )
        if claimed:
            run.refresh_from_db()
            _publish_end(run)
    return len(stale)
