"""Capacity search: exact bisection with a fake step runner, and a real server run."""

from __future__ import annotations

import asyncio

import pytest

from scenarios.engine import ScenarioSpec, StepResult, find_capacity, make_run_step
from scenarios.engine.testserver import TargetServer


def fake_service(capacity: float, calls: list[float] | None = None):
    """A step runner whose p95 jumps from 10 ms to 500 ms above ``capacity``."""

    async def run_step(rate: float, duration: float) -> StepResult:
        if calls is not None:
            calls.append(rate)
        p95 = 10.0 if rate <= capacity else 500.0
        return StepResult(rate=rate, achieved_rps=rate, p95_ms=p95, error_rate=0.0)

    return run_step


async def test_ramp_then_bisect_exact_sequence():
    calls: list[float] = []
    result = await find_capacity(
        fake_service(330, calls), "p95 < 100ms", 100, 1000, 1, growth=2, tolerance=0.05
    )
    assert calls[:3] == [100, 200, 400]
    assert calls[3:] == [300, 350, 325, 337.5]  # stop: 337.5 - 325 <= 5 % of 337.5
    assert result.capacity_rps == 325
    assert result.first_failing_rps == 400
    assert result.status == "converged"
    assert [s.passed for s in result.steps] == [True, True, False, True, False, True, False]
    assert result.steps[2].failures and "p95" in result.steps[2].failures[0]
    assert result.as_dict()["steps"][0]["phase"] == "ramp"


async def test_capacity_within_tolerance_for_many_capacities():
    for capacity in (57, 180, 999, 4321):
        result = await find_capacity(fake_service(capacity), ["p95<100ms"], 50, 10_000, 1)
        assert capacity * 0.95 <= result.capacity_rps <= capacity


async def test_max_reached_and_below_start():
    result = await find_capacity(fake_service(10_000), "p95 < 100ms", 100, 800, 1, growth=2)
    assert result.status == "max_reached" and result.capacity_rps == 800
    result = await find_capacity(fake_service(20), "p95 < 100ms", 100, 800, 1)
    assert 19 <= result.capacity_rps <= 20


async def test_throughput_and_error_rate_count_as_failures():
    async def saturating(rate: float, duration: float) -> StepResult:
        errors = 0.0 if rate <= 500 else 0.2
        return StepResult(rate, min(rate, 300.0), 5.0, errors, started_rps=min(rate, 300.0))

    result = await find_capacity(saturating, "error_rate < 1%", 100, 1000, 1, growth=2)
    assert 285 <= result.capacity_rps <= 300 / 0.95  # keeping up within 5 % passes
    assert any("throughput" in f for s in result.steps for f in s.failures)


async def test_progress_callback_and_stop_event():
    event = asyncio.Event()
    seen = []

    async def slow_step(rate: float, duration: float) -> StepResult:
        await asyncio.sleep(0.05 if rate < 400 else 10)
        return StepResult(rate, rate, 1.0, 0.0)

    def on_step(step):
        seen.append(step.rate)
        if step.rate >= 200:
            asyncio.get_running_loop().call_later(0.2, event.set)

    result = await asyncio.wait_for(
        find_capacity(slow_step, "p95<1s", 100, 10_000, 1, growth=2, stop_event=event,
                      on_step=on_step),
        timeout=3,
    )  # fmt: skip
    assert seen == [100, 200]
    assert result.status == "stopped" and result.capacity_rps == 200


def test_invalid_arguments():
    with pytest.raises(ValueError, match="start_rps"):
        asyncio.run(find_capacity(fake_service(1), "p95<1s", 0, 10, 1))
    with pytest.raises(ValueError, match="unknown metric"):
        asyncio.run(find_capacity(fake_service(1), "speed > 3", 1, 10, 1))


async def test_converges_on_real_server_capacity():
    server = TargetServer(capacity_rps=130, slow_ms=60, window=0.5)
    await server.start()
    try:
        base = ScenarioSpec.from_dict({"requests": [{"url": server.url("/capacity")}]})
        real_step = make_run_step(base)

        async def run_step(rate: float, duration: float) -> StepResult:
            server.reset()  # each step starts from a quiet service
            return await real_step(rate, duration)

        result = await find_capacity(run_step, "p95 < 30ms", 50, 400, 1.2, growth=2, tolerance=0.1)
    finally:
        await server.stop()
    assert result.status == "converged", result.as_dict()
    assert 110 <= result.capacity_rps <= 140
    assert result.steps[0].achieved_rps == pytest.approx(50, rel=0.1)
