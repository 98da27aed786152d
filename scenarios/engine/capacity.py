"""Capacity search ("training"): the highest request rate that still meets an SLO.

``find_capacity`` ramps the rate geometrically (``start_rps``, ``x growth``, ... up to
``max_rps``) until a step breaks the SLO, then bisects between the last good and the
first bad rate until they are within ``tolerance`` (relative). A step passes when every
SLO threshold holds and the engine kept up (at least ``min_throughput`` of the planned
requests could start). ``run_step(rate, duration)`` is any async callable returning a
``StepResult``: ``make_run_step`` builds the real one (a constant-arrival-rate run).
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from .stats import RunSummary
from .thresholds import Threshold, parse_thresholds

StopEvent = asyncio.Event | threading.Event


@dataclass
class StepResult:
    """What one constant-rate step measured (latencies in ms)."""

    rate: float
    achieved_rps: float
    p95_ms: float | None
    error_rate: float
    duration: float = 0.0
    p50_ms: float | None = None
    p99_ms: float | None = None
    max_ms: float | None = None
    started_rps: float | None = None
    dropped: int = 0
    requests: int = 0

    def lookup(self, metric: str) -> float | None:
        """Threshold metric lookup (rps, error_rate, p50/p95/p99, max)."""
        if metric == "rps":
            return self.achieved_rps
        if metric == "error_rate":
            return self.error_rate
        return {"p50": self.p50_ms, "p95": self.p95_ms, "p99": self.p99_ms, "max": self.max_ms}.get(
            metric
        )

    @classmethod
    def from_summary(cls, summary: RunSummary, rate: float) -> StepResult:
        """Build from a constant-arrival-rate run's summary."""
        lat, secs = summary.latency_ms, summary.duration_s or 1.0
        return cls(
            rate=rate,
            achieved_rps=summary.rps,
            p95_ms=lat.get("p95"),
            error_rate=summary.error_rate,
            duration=summary.duration_s,
            p50_ms=lat.get("p50"),
            p99_ms=lat.get("p99"),
            max_ms=lat.get("max"),
            started_rps=round(_started_rps(summary, rate, secs), 3),
            dropped=summary.dropped,
            requests=summary.requests,
        )


def _started_rps(summary: RunSummary, rate: float, secs: float) -> float:
    """The rate requests actually started at: the planned rate scaled by the share of the
    planned requests that started (short, slow steps would be under-counted by dividing
    by a duration that includes the wait for the last responses)."""
    if summary.target_requests:
        return rate * summary.started / summary.target_requests
    return summary.started / secs


@dataclass
class CapacityStep:
    """Evidence for one step of the search."""

    index: int
    phase: str
    rate: float
    achieved_rps: float
    p95_ms: float | None
    error_rate: float
    passed: bool
    failures: list[str] = field(default_factory=list)
    dropped: int = 0


@dataclass
class CapacityResult:
    """Outcome: ``capacity_rps`` is the highest passing rate (0 if none passed)."""

    capacity_rps: float
    first_failing_rps: float | None
    status: str
    slo: list[str]
    steps: list[CapacityStep]

    def as_dict(self) -> dict[str, Any]:
        """JSON-serializable dict."""
        return asdict(self)


RunStep = Callable[[float, float], Awaitable[StepResult]]
OnStep = Callable[[CapacityStep], Awaitable[None] | None]


class _Search:
    """State of one capacity search."""

    def __init__(self, run_step: RunStep, slo: list[Threshold], duration: float, **opts: Any):
        """Keep the step runner, SLO and options."""
        self.run_step, self.slo, self.duration = run_step, slo, duration
        self.min_throughput: float = opts["min_throughput"]
        self.stop_event: StopEvent | None = opts["stop_event"]
        self.on_step: OnStep | None = opts["on_step"]
        self.max_steps: int = opts["max_steps"]
        self.steps: list[CapacityStep] = []

    def stopped(self) -> bool:
        """Whether the caller asked to stop."""
        return self.stop_event is not None and self.stop_event.is_set()

    async def step(self, rate: float, phase: str) -> bool | None:
        """Run and judge one step; None when stopped before/while running."""
        if self.stopped() or len(self.steps) >= self.max_steps:
            return None
        result = await self._run_until_stop(rate)
        if result is None:
            return None
        failures = self._judge(result)
        step = CapacityStep(
            len(self.steps) + 1, phase, round(rate, 3), result.achieved_rps, result.p95_ms,
            result.error_rate, not failures, failures, result.dropped,
        )  # fmt: skip
        self.steps.append(step)
        await _maybe_await(self.on_step(step) if self.on_step else None)
        return step.passed

    async def _run_until_stop(self, rate: float) -> StepResult | None:
        """Run the step, cancelling it if the stop event fires meanwhile."""
        task = asyncio.ensure_future(self.run_step(rate, self.duration))
        while not task.done():
            await asyncio.wait([task], timeout=0.1)
            if self.stopped() and not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                return None
        return task.result()

    def _judge(self, result: StepResult) -> list[str]:
        """Descriptions of everything that failed in this step."""
        failures = []
        for threshold in self.slo:
            passed, observed = threshold.check(result.lookup)
            if not passed:
                failures.append(f"{threshold.expr} ({threshold.describe(observed)})")
        kept_up = result.started_rps if result.started_rps is not None else result.achieved_rps
        slack = 1.0 / result.duration if result.duration > 0 else 0.0  # one request per step
        if kept_up + slack < self.min_throughput * result.rate:
            failures.append(f"throughput {kept_up:.1f} < {self.min_throughput:.0%} of target")
        return failures


async def _maybe_await(value: Any) -> None:
    """Await ``value`` if it is awaitable."""
    if inspect.isawaitable(value):
        await value


async def find_capacity(
    run_step: RunStep,
    slo: str | Iterable[str],
    start_rps: float,
    max_rps: float,
    step_duration: float,
    *,
    growth: float = 1.5,
    tolerance: float = 0.05,
    min_throughput: float = 0.95,
    max_steps: int = 40,
    stop_event: StopEvent | None = None,
    on_step: OnStep | None = None,
) -> CapacityResult:
    """Ramp then bisect to the highest rate meeting ``slo``; see the module docstring."""
    exprs = [slo] if isinstance(slo, str) else list(slo)
    if not 0 < start_rps <= max_rps or growth <= 1 or not 0 < tolerance < 1:
        raise ValueError("need 0 < start_rps <= max_rps, growth > 1 and 0 < tolerance < 1")
    search = _Search(
        run_step, parse_thresholds(exprs), step_duration, min_throughput=min_throughput,
        stop_event=stop_event, on_step=on_step, max_steps=max_steps,
    )  # fmt: skip
    good, bad, status = await _ramp(search, start_rps, max_rps, growth)
    if status is None and bad is not None:
        good, status = await _bisect(search, good, bad, tolerance)
    return CapacityResult(round(good, 3), bad, status or "converged", exprs, search.steps)


async def _ramp(
    search: _Search, rate: float, max_rps: float, growth: float
) -> tuple[float, float | None, str | None]:
    """Geometric ramp: (last good, first bad, early status)."""
    good = 0.0
    while True:
        passed = await search.step(rate, "ramp")
        if passed is None:
            return good, None, "stopped" if search.stopped() else "step_limit"
        if not passed:
            return good, rate, None
        good = rate
        if rate >= max_rps:
            return good, None, "max_reached"
        rate = min(rate * growth, max_rps)


async def _bisect(search: _Search, good: float, bad: float, tolerance: float) -> tuple[float, str]:
    """Bisect between ``good`` (passing, may be 0) and ``bad`` (failing)."""
    while bad - good > tolerance * bad and bad > 1.0:
        mid = (good + bad) / 2
        passed = await search.step(mid, "bisect")
        if passed is None:
            return good, "stopped" if search.stopped() else "step_limit"
        good, bad = (mid, bad) if passed else (good, mid)
    return good, "converged" if good > 0 else "below_start"


def make_run_step(base_spec: Any, **run_kwargs: Any) -> RunStep:
    """A real ``run_step``: a constant-arrival-rate run of ``base_spec``'s requests.

    ``run_kwargs`` go to ``ScenarioRun`` (``allowed_hosts``, ``limits``, ``on_second``...).
    """
    from .runner import ScenarioRun
    from .spec import ScenarioSpec

    async def run_step(rate: float, duration: float) -> StepResult:
        data = base_spec.to_dict()
        data.update(executor="constant-arrival-rate", rate=rate, duration=duration, stages=[])
        data.update(thresholds=[], abort_on_fail=False)
        summary = await ScenarioRun(ScenarioSpec.from_dict(data), **run_kwargs).run()
        return StepResult.from_summary(summary, rate)

    return run_step
