"""Executor shapes against a real in-process HTTP server: per-second rates follow the plan."""

from __future__ import annotations

import pytest

from scenarios.engine import ScenarioRun, ScenarioSpec, SecondStats
from scenarios.engine.executors import Profile


async def run(spec: dict) -> tuple[object, list[SecondStats]]:
    seconds: list[SecondStats] = []
    summary = await ScenarioRun(ScenarioSpec.from_dict(spec), on_second=seconds.append).run()
    return summary, seconds


def full_seconds(seconds: list[SecondStats]) -> list[SecondStats]:
    return [s for s in seconds if s.interval > 0.9]


def test_profile_integral_and_inverse():
    profile = Profile([(0, 0), (2, 100), (2, 300), (3, 300)])
    assert profile.value_at(1) == 50
    assert profile.value_at(2) == 300
    assert profile.cumulative(2) == pytest.approx(100)
    assert profile.cumulative(3) == pytest.approx(400)
    assert profile.time_for_count(25) == pytest.approx(1.0)
    assert profile.time_for_count(250) == pytest.approx(2.5)
    assert profile.time_for_count(1000) == float("inf")


async def test_constant_arrival_rate_holds_rate(target):
    spec = {"requests": [{"url": target.url("/fast")}], "executor": "constant-arrival-rate"}
    summary, seconds = await run({**spec, "rate": 200, "duration": 2})
    assert summary.status == "completed"
    assert summary.requests == pytest.approx(400, rel=0.02)
    assert summary.target_requests == pytest.approx(400, rel=0.01)
    for sec in full_seconds(seconds):
        assert sec.rps == pytest.approx(200, rel=0.1)
        assert sec.target_rate == pytest.approx(200, rel=0.05)
        assert sec.vus is None and sec.dropped == 0
    assert summary.as_dict()["latency_ms"]["p50"] < 50


async def test_ramping_arrival_rate_follows_stages(target):
    stages = [{"duration": "2s", "target": 300}]
    spec = {"requests": [{"url": target.url("/fast")}], "executor": "ramping-arrival-rate"}
    summary, seconds = await run({**spec, "stages": stages, "start_rate": 0})
    # integral: 0->300 over 2 s = 300 requests: 75 in the first second, 225 in the second
    assert summary.requests == pytest.approx(300, rel=0.05)
    rates = [s.rps for s in full_seconds(seconds)]
    assert rates[0] == pytest.approx(75, rel=0.25)
    assert rates[1] == pytest.approx(225, rel=0.15)
    assert seconds[-1].target_rate == pytest.approx(225, rel=0.1)


async def test_spike_jumps_and_returns(target):
    spec = {"requests": [{"url": target.url("/fast")}], "executor": "spike", "rate": 50}
    spike = {"spike_multiplier": 6, "spike_at": 1, "spike_duration": 1, "duration": 3}
    summary, seconds = await run({**spec, **spike})
    rates = [round(s.rps) for s in full_seconds(seconds)]
    assert rates[0] == pytest.approx(50, rel=0.15)
    assert rates[1] == pytest.approx(300, rel=0.1)
    assert rates[2] == pytest.approx(50, rel=0.15)
    assert summary.requests == pytest.approx(400, rel=0.05)


async def test_soak_is_constant_rate(target):
    spec = {"requests": [{"url": target.url("/fast")}], "executor": "soak", "rate": 100}
    summary, _ = await run({**spec, "duration": 1})
    assert summary.executor == "soak"
    assert summary.requests == pytest.approx(100, rel=0.03)


async def test_arrival_rate_drops_over_inflight_cap(target):
    spec = {"requests": [{"url": target.url("/slow?ms=500")}], "executor": "soak"}
    summary, seconds = await run({**spec, "rate": 100, "duration": 1, "max_inflight": 10})
    assert summary.peak_in_flight == 10
    assert summary.dropped >= 70  # 10 start at once, 10 more when they finish at 0.5 s
    assert summary.started + summary.dropped == pytest.approx(100, abs=2)
    assert sum(s.dropped for s in seconds) == summary.dropped


async def test_constant_vus_closed_model_with_think_time(target):
    spec = {"requests": [{"url": target.url("/fast")}], "executor": "constant-vus"}
    summary, seconds = await run({**spec, "vus": 5, "think_time": 0.1, "duration": 2})
    # 5 VUs, each ~10 iterations per second (think time dominates)
    assert summary.rps == pytest.approx(50, rel=0.2)
    assert all(s.vus == 5 for s in full_seconds(seconds))


async def test_ramping_vus_scales_users(target):
    stages = [{"duration": 2, "target": 10}, {"duration": 1, "target": 10}]
    spec = {"requests": [{"url": target.url("/slow?ms=50")}], "executor": "ramping-vus"}
    summary, seconds = await run({**spec, "stages": stages})
    vus = [s.vus for s in full_seconds(seconds)]
    assert vus[0] == pytest.approx(5, abs=1)
    assert vus[-1] == 10
    rates = [s.rps for s in full_seconds(seconds)]
    assert rates[0] < rates[-1]
    assert rates[-1] == pytest.approx(10 / 0.05, rel=0.25)
    assert summary.status == "completed"


async def test_weighted_requests_mix(target):
    reqs = [
        {"url": target.url("/fast"), "weight": 3},
        {"url": target.url("/echo"), "method": "POST", "body": {"a": 1}, "weight": 1},
        {"url": target.url("/chunked"), "weight": 1},
    ]
    spec = {"requests": reqs, "executor": "constant-arrival-rate", "rate": 500, "duration": 1}
    summary, _ = await run(spec)
    assert summary.errors == 0 and summary.requests == pytest.approx(500, rel=0.03)
    assert target.count == pytest.approx(500 * 4 / 5, rel=0.1)


async def test_aiohttp_client_option(target):
    spec = {"requests": [{"url": target.url("/chunked")}], "executor": "constant-vus", "vus": 4}
    summary, _ = await run({**spec, "duration": 1, "client": "aiohttp"})
    assert summary.requests > 50 and summary.errors == 0
