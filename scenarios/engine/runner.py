"""Running a scenario: preflight checks, executor, per-second ticks, thresholds, summary.

Typical use (inside an event loop)::

    run = ScenarioRun(spec, on_second=callback, allowed_hosts=[...])
    summary = await run.run()          # run.cancel() from elsewhere stops it in < 1 s

``on_second`` receives a ``SecondStats`` once per second (sync or async callable); an
exception it raises is logged and the run goes on.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from .client import AiohttpClient, FastClient, prepare_request
from .executors import ArrivalExecutor, Profile, RequestMix, VUExecutor, make_sender
from .safety import Limits, Resolver, check_limits, check_target_allowed
from .spec import ScenarioSpec
from .stats import Recorder, RunSummary, SecondStats
from .thresholds import ThresholdTracker

log = logging.getLogger(__name__)
OnSecond = Callable[[SecondStats], Awaitable[None] | None]
DEFAULT_EXPECTED = frozenset(range(200, 400))


class ScenarioRun:
    """One execution of a ``ScenarioSpec``; ``await run()`` returns a ``RunSummary``."""

    def __init__(
        self,
        spec: ScenarioSpec,
        *,
        on_second: OnSecond | None = None,
        cancel_event: asyncio.Event | threading.Event | None = None,
        allowed_hosts: Iterable[str] | None = None,
        limits: Limits | None = None,
        resolve: Resolver | None = None,
        check_targets: bool = True,
    ) -> None:
        """Configure the run; validation and safety checks happen in ``run()``."""
        self.spec = spec
        self.on_second = on_second
        self.cancel_event = cancel_event
        self.allowed_hosts = list(allowed_hosts) if allowed_hosts is not None else None
        self.limits, self.resolve, self.check_targets = limits, resolve, check_targets
        self.status, self.reason = "pending", ""
        self.thresholds = ThresholdTracker(spec.thresholds)
        self.profile = Profile(spec.profile())
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_request: tuple[str, str] | None = None
        self._second, self._last_elapsed = 0, 0.0

    def cancel(self, reason: str = "cancelled by user") -> None:
        """Stop the run promptly with status 'cancelled' (safe from any thread)."""
        self._request_stop("cancelled", reason, threadsafe=True)

    def _request_stop(self, status: str, reason: str, threadsafe: bool = False) -> None:
        """Record why the run stops (first request wins) and wake the runner."""
        if self._stop_request is None:
            self._stop_request = (status, reason)
        if self._stop is None or self._loop is None:
            return
        if threadsafe and _other_thread(self._loop):
            self._loop.call_soon_threadsafe(self._stop.set)
        else:
            self._stop.set()

    async def preflight(self) -> None:
        """Validate spec, caps and target hosts; raises ``ValueError`` subclasses."""
        self.spec.validate()
        check_limits(self.spec, self.limits)
        if not self.check_targets:
            return
        for url in sorted({r.url for r in self.spec.requests}):
            await asyncio.to_thread(check_target_allowed, url, self.allowed_hosts, self.resolve)

    async def run(self) -> RunSummary:
        """Execute the scenario and return its summary (preflight errors are raised)."""
        await self.preflight()
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        if self._stop_request is not None:
            self._stop.set()
        rec = Recorder(self._expected(), int(self.spec.window))
        client = self._make_client()
        executor = self._make_executor(rec, client.send)
        self.started_at, t0 = time.time(), self._loop.time()
        self.status = "running"
        try:
            elapsed = await self._drive(executor, rec, t0)
        finally:
            await executor.stop()
            await client.close()
        await self._emit(rec, executor, elapsed)
        return self._summary(rec, elapsed)

    async def _drive(self, executor: Any, rec: Recorder, t0: float) -> float:
        """Run executor, ticker and cancel watcher until the end or a stop request."""
        assert self._loop is not None and self._stop is not None
        duration = self.spec.total_duration()
        work = asyncio.create_task(executor.run(t0, duration))
        helpers: list[asyncio.Task[Any]] = [asyncio.create_task(self._tick_loop(executor, rec, t0))]
        helpers.append(asyncio.create_task(self._stop.wait()))
        if self.cancel_event is not None:
            helpers.append(asyncio.create_task(self._watch_cancel_event()))
        try:
            await asyncio.wait([work, helpers[1]], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in [work, *helpers]:
                task.cancel()
            await asyncio.gather(work, *helpers, return_exceptions=True)
        elapsed = self._loop.time() - t0
        self._set_final_status(work)
        return elapsed

    def _set_final_status(self, work: asyncio.Task[None]) -> None:
        """completed / aborted / cancelled / failed."""
        if self._stop_request is not None:
            self.status, self.reason = self._stop_request
        elif not work.cancelled() and work.exception() is not None:
            self.status, self.reason = "failed", f"engine error: {work.exception()!r}"
            log.error("scenario run failed", exc_info=work.exception())
        else:
            self.status, self.reason = "completed", ""

    async def _watch_cancel_event(self) -> None:
        """Poll an external asyncio/threading event every 100 ms."""
        assert self.cancel_event is not None
        while not self.cancel_event.is_set():
            await asyncio.sleep(0.1)
        self._request_stop("cancelled", "cancel event set")

    async def _tick_loop(self, executor: Any, rec: Recorder, t0: float) -> None:
        """Emit one ``SecondStats`` per second, scheduled on absolute times."""
        assert self._loop is not None
        next_tick = 1
        while True:
            await asyncio.sleep(max(0.0, t0 + next_tick - self._loop.time()))
            elapsed = self._loop.time() - t0
            await self._emit(rec, executor, elapsed)
            self._check_window(rec, elapsed)
            next_tick = max(next_tick + 1, int(elapsed) + 1)

    async def _emit(self, rec: Recorder, executor: Any, elapsed: float) -> None:
        """Close the current bucket and deliver it (skips an empty zero-length tail)."""
        interval = elapsed - self._last_elapsed
        if interval < 0.05:  # a sliver after the last tick: fold into totals, emit nothing
            rec.close_second(max(interval, 0.0))
            return
        data = rec.close_second(interval)
        self._second += 1
        target = None
        if self.spec.is_arrival_rate:
            expected = self.profile.cumulative(elapsed) - self.profile.cumulative(
                self._last_elapsed
            )
            target = round(expected / interval, 3) if interval > 0 else None
        self._last_elapsed = elapsed
        stats = SecondStats(
            second=self._second,
            elapsed=round(elapsed, 3),
            timestamp=time.time(),
            interval=round(interval, 3),
            rps=round(data["requests"] / interval, 3),
            error_rate=round(data["errors"] / data["requests"], 6) if data["requests"] else 0.0,
            vus=executor.active,
            target_rate=target,
            **data,
        )
        await self._deliver(stats)

    async def _deliver(self, stats: SecondStats) -> None:
        """Call ``on_second`` (sync or async); log and swallow its errors."""
        if self.on_second is None:
            return
        try:
            result = self.on_second(stats)
            if inspect.isawaitable(result):
                await result
        except Exception:  # noqa: BLE001 - a broken consumer must not kill the run
            log.exception("on_second callback failed")

    def _check_window(self, rec: Recorder, elapsed: float) -> None:
        """Evaluate thresholds over the sliding window; abort if configured."""
        if not self.thresholds.states or len(rec.window) < int(self.spec.window):
            return
        failures = self.thresholds.evaluate_window(rec.window_lookup(), elapsed)
        if failures and self.spec.abort_on_fail:
            window = f"{self.spec.window:g}s"
            reason = (
                f"threshold {', '.join(failures)} failed over the last {window} at {elapsed:.0f}s"
            )
            self._request_stop("aborted", reason)

    def _expected(self) -> frozenset[int]:
        """Statuses counted as success (default 200-399)."""
        if self.spec.expected_statuses is None:
            return DEFAULT_EXPECTED
        return frozenset(self.spec.expected_statuses)

    def _make_client(self) -> FastClient | AiohttpClient:
        """The HTTP client chosen by the spec."""
        if self.spec.client == "aiohttp":
            return AiohttpClient(self.spec.timeout, self.spec.inflight_cap())
        return FastClient(self.spec.timeout)

    def _make_executor(self, rec: Recorder, client_send: Any) -> VUExecutor | ArrivalExecutor:
        """VU or arrival-rate executor for the spec."""
        prepared = [prepare_request(r) for r in self.spec.requests]
        mix = RequestMix(prepared, [r.weight for r in self.spec.requests])
        send = make_sender(client_send, rec)
        if self.spec.is_arrival_rate:
            return ArrivalExecutor(self.profile, mix, send, self.spec.inflight_cap(), rec)
        return VUExecutor(self.profile, mix, send, self.spec.think_time)

    def _summary(self, rec: Recorder, elapsed: float) -> RunSummary:
        """Build the final summary, evaluating thresholds over the whole run."""
        passed = self.thresholds.evaluate_overall(rec.overall_lookup(elapsed))
        requests, errors = rec.total_requests, rec.total_errors
        planned = min(elapsed, self.spec.total_duration())
        target = self.profile.cumulative(planned) if self.spec.is_arrival_rate else None
        return RunSummary(
            name=self.spec.name,
            executor=self.spec.executor,
            status=self.status,
            reason=self.reason,
            started_at=self.started_at,
            duration_s=round(elapsed, 3),
            requests=requests,
            errors=errors,
            error_rate=round(errors / requests, 6) if requests else 0.0,
            rps=round(requests / elapsed, 3) if elapsed > 0 else 0.0,
            started=rec.total_started,
            dropped=rec.total_dropped,
            latency_ms=rec.latency_summary(),
            errors_by_status_class=rec.errors_by_status_class(),
            errors_by_kind=dict(rec.errors_by_kind),
            status_counts={str(k): v for k, v in sorted(rec.status_counts.items())},
            thresholds=self.thresholds.results(),
            thresholds_passed=passed,
            peak_in_flight=rec.peak_in_flight,
            seconds=self._second,
            target_requests=round(target, 3) if target is not None else None,
        )


def _other_thread(loop: asyncio.AbstractEventLoop) -> bool:
    """True when called from a thread other than the loop's."""
    try:
        return asyncio.get_running_loop() is not loop
    except RuntimeError:
        return True


async def run_scenario(spec: ScenarioSpec | dict, **kwargs: Any) -> RunSummary:
    """Validate (a dict is parsed with ``from_dict``) and run a scenario."""
    if isinstance(spec, dict):
        spec = ScenarioSpec.from_dict(spec)
    return await ScenarioRun(spec, **kwargs).run()


def run_scenario_sync(spec: ScenarioSpec | dict, **kwargs: Any) -> RunSummary:
    """Blocking helper for worker processes (e.g. Celery); uses uvloop when installed."""
    try:
        import uvloop

        factory = uvloop.new_event_loop
    except ImportError:
        factory = None
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(run_scenario(spec, **kwargs))
