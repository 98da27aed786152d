"""Training: find, by itself, the highest request rate a service holds within its SLO.

``training_start`` validates and queues a session (one at a time), ``training_execute``
runs the engine's ``find_capacity`` in the worker (ramp the arrival rate, then bisect),
storing every step as evidence and each second as Hydra series labelled ``training``;
``training_stop`` asks it to stop (read every second).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.dispatch import enqueue
from core.live import publish
from metrics.services import points_ingest
from scenarios import conf
from scenarios.engine import (
    CapacityResult,
    LimitExceeded,
    ScenarioSpec,
    find_capacity,
    make_run_step,
    parse_thresholds,
)
from scenarios.models import TrainingSession
from scenarios.payloads import TrainingProgress
from scenarios.recording import SecondWriter, run_second, second_batch
from scenarios.services.runs import _gc_frozen, _loop_factory, claim
from scenarios.services.scenarios import SafetyError, User, check_target_safe, owner_of

logger = logging.getLogger(__name__)
Status = TrainingSession.Status
_DEFAULT_OPS = {"rps": ">="}
MIN_STEP_S, DEFAULT_STEP_S = 2.0, 10.0


class TrainingBusy(Exception):
    """Another training session is queued or running."""


def slo_expressions(slo: Any) -> list[str]:
    """``["p95 < 300ms", ...]`` or ``{"p95": "300ms", "error_rate": "1%"}`` (numbers: ms,
    fractions, req/s) → validated threshold expressions."""
    if isinstance(slo, dict):
        slo = [_expression(key, value) for key, value in slo.items()]
    if not isinstance(slo, list) or not slo or not all(isinstance(e, str) for e in slo):
        raise SafetyError("slo: give thresholds like {'p95': '300ms'} or ['p95 < 300ms']", "slo")
    try:
        parse_thresholds(slo)
    except ValueError as exc:
        raise SafetyError(f"slo: {exc}", "slo") from None
    return slo


def _expression(metric: Any, bound: Any) -> str:
    if isinstance(bound, bool) or not isinstance(bound, str | int | float):
        raise SafetyError(f"slo.{metric}: expected a number or a string like '300ms'", "slo")
    return f"{metric} {_DEFAULT_OPS.get(str(metric), '<')} {bound}"


def _check_rates(max_rps: float, start_rps: float, step_duration: float) -> None:
    cap = conf.limits().max_rate
    if max_rps > cap:
        raise SafetyError(
            f"max_rps: {max_rps:g} req/s exceeds the cap of {cap:g} (HYDRA_SCENARIO_MAX_RATE)",
            "max_rps",
        )
    if not 0 < start_rps <= max_rps:
        raise SafetyError("start_rps: must be > 0 and <= max_rps", "start_rps")
    if step_duration < MIN_STEP_S:
        raise SafetyError(f"step_duration: at least {MIN_STEP_S:g} s", "step_duration")


def training_start(
    *,
    target_url: str,
    slo: Any,
    max_rps: float,
    user: User | None = None,
    **options: Any,
) -> TrainingSession:
    """Validate and queue a capacity search (options: start_rps, step_duration, method, label)."""
    check_target_safe(target_url, "target_url")
    start_rps = options.get("start_rps") or max(1.0, round(max_rps / 20, 3))
    step_duration = options.get("step_duration") or DEFAULT_STEP_S
    _check_rates(max_rps, start_rps, step_duration)
    exprs = slo_expressions(slo)
    try:
        with transaction.atomic():  # the unique active_slot refuses a second active session
            session = TrainingSession.objects.create(
                target_url=target_url, slo=exprs, max_rps=max_rps, start_rps=start_rps,
                step_duration=step_duration, method=options.get("method") or "GET",
                label=options.get("label") or "", created_by=owner_of(user), active_slot=True,
            )  # fmt: skip
            transaction.on_commit(lambda: enqueue("scenarios.tasks.run_training", session.pk))
    except IntegrityError:
        raise TrainingBusy("a training session is already running: stop it first") from None
    return session


def training_stop() -> TrainingSession | None:
    """Stop the active session (a queued one at once); None when nothing is running."""
    session = (
        TrainingSession.objects.filter(status__in=TrainingSession.ACTIVE).order_by("-id").first()
    )
    if session is None:
        return None
    now = timezone.now()
    queued = TrainingSession.objects.filter(pk=session.pk, status=Status.QUEUED)
    if queued.update(status=Status.STOPPED, stop_requested=True, ended_at=now, active_slot=None):
        session.refresh_from_db()
        _publish(session, step=None)
        return session
    TrainingSession.objects.filter(pk=session.pk).update(stop_requested=True)
    session.refresh_from_db()
    return session


def training_execute(*, session_id: int) -> TrainingSession | None:
    """Run the capacity search to its end in this worker."""
    session = claim(TrainingSession, session_id)
    if session is None:
        return None
    _publish(session, step=None)
    writer = SecondWriter()
    try:
        result = _search(session, writer)
    except (ValueError, LimitExceeded) as exc:
        return _end(session, Status.FAILED, reason=str(exc))
    except Exception as exc:
        logger.exception("training %s failed", session.pk)
        return _end(session, Status.FAILED, reason=f"engine error: {exc!r}")
    finally:
        writer.close()
    status = Status.STOPPED if result.status == "stopped" else result.status
    return _end(session, status, result=result)


def _base_spec(session: TrainingSession) -> ScenarioSpec:
    request = {"url": session.target_url, "method": session.method}
    return ScenarioSpec.from_dict(
        {"requests": [request], "executor": "constant-arrival-rate", "name": str(session)}
    )


def _search(session: TrainingSession, writer: SecondWriter) -> CapacityResult:
    """find_capacity with per-second recording and per-step evidence."""

    def on_second(stats) -> None:  # queued, not awaited: a slow database can't stall a step
        writer.submit(_record_second, session, stats).add_done_callback(recorded)

    def recorded(write) -> None:  # on the writer thread
        if write.exception() is not None:
            logger.error("training %s: a second was not recorded", session.pk,
                         exc_info=write.exception())  # fmt: skip
        elif write.result():
            writer.cancel.set()  # find_capacity polls it (a threading.Event)

    async def on_step(step) -> None:
        await writer.call(_record_step, session, asdict(step))

    run_step = make_run_step(
        _base_spec(session), on_second=on_second,
        allowed_hosts=conf.allowed_hosts(), limits=conf.limits(),
    )  # fmt: skip
    search = find_capacity(
        run_step, session.slo, session.start_rps, session.max_rps, session.step_duration,
        stop_event=writer.cancel, on_step=on_step,
    )  # fmt: skip
    with _gc_frozen(), asyncio.Runner(loop_factory=_loop_factory()) as runner:
        return runner.run(search)


def _record_second(session: TrainingSession, stats) -> bool:
    """Store one second as Hydra series, publish it; True when a stop was requested."""
    points_ingest(batch=second_batch(stats, session.labels))
    rows = TrainingSession.objects.filter(pk=session.pk)
    rows.update(heartbeat_at=timezone.now())
    _publish(session, step=None, second=run_second(stats))
    return rows.filter(stop_requested=True).exists()


def _record_step(session: TrainingSession, step: dict[str, Any]) -> None:
    session.steps = [*session.steps, step]
    session.save(update_fields=["steps"])
    _publish(session, step=step)


def _end(session: TrainingSession, status: str, **outcome: Any) -> TrainingSession:
    result: CapacityResult | None = outcome.get("result")
    session.status, session.ended_at = status, timezone.now()
    session.reason = outcome.get("reason", "")
    if result is not None:
        session.capacity_rps = result.capacity_rps or None  # 0: no step passed
        session.first_failing_rps = result.first_failing_rps
    session.active_slot = None
    fields = ["status", "ended_at", "reason", "capacity_rps", "first_failing_rps", "active_slot"]
    session.save(update_fields=fields)
    _publish(session, step=None)
    return session


def _publish(session: TrainingSession, *, step: dict | None, second=None) -> None:
    message = TrainingProgress(
        type="training_progress",
        session=session.pk,
        status=session.status,
        step=step,
        second=second,
        capacity_rps=session.capacity_rps,
    )
    publish([(f"training:{session.pk}", {"type": "training.progress", "payload": message})])


def training_reap_stale(cutoff) -> int:
    """Mark running sessions whose worker stopped reporting as failed."""
    reason = "the load generator stopped reporting"
    return TrainingSession.objects.filter(status=Status.RUNNING, heartbeat_at__lt=cutoff).update(
        status=Status.FAILED, reason=reason, ended_at=timezone.now(), active_slot=None
    )
