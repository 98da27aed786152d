"""Thresholds: parsing, overall and sliding-window evaluation, abort-on-fail."""

from __future__ import annotations

import numpy as np
import pytest

from scenarios.engine import ScenarioRun, ScenarioSpec, parse_threshold
from scenarios.engine.stats import Recorder
from scenarios.engine.thresholds import ThresholdTracker


@pytest.mark.parametrize(
    ("expr", "metric", "op", "value"),
    [
        ("p95 < 300ms", "p95", "<", 300.0),
        ("p99<1s", "p99", "<", 1000.0),
        ("error_rate < 1%", "error_rate", "<", 0.01),
        ("error_rate<=0.05", "error_rate", "<=", 0.05),
        ("rps >= 500", "rps", ">=", 500.0),
        ("p50 <= 20ms", "p50", "<=", 20.0),
        ("max < 2s", "max", "<", 2000.0),
        ("p(99.9) < 1500", "p99.9", "<", 1500.0),
        ("avg < 250us", "mean", "<", 0.25),
    ],
)
def test_parse_valid(expr, metric, op, value):
    threshold = parse_threshold(expr)
    assert (threshold.metric, threshold.op, threshold.value) == (metric, op, pytest.approx(value))


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("p95 300ms", "cannot parse"),
        ("latency < 3ms", "unknown metric"),
        ("p95 < 3 parsecs", "unknown latency unit"),
        ("p95 < 3kg", "unknown latency unit"),
        ("error_rate < 5", "error_rate needs"),
        ("rps > 5ms", "rps takes no unit"),
        ("p0 < 5ms", "percentile out of range"),
    ],
)
def test_parse_invalid(expr, message):
    with pytest.raises(ValueError, match=message):
        parse_threshold(expr)


def test_pass_fail_and_missing_data():
    metrics = {"p95": 120.0, "error_rate": 0.02, "rps": 480.0}
    assert parse_threshold("p95 < 300ms").check(metrics.get) == (True, 120.0)
    assert parse_threshold("error_rate < 1%").check(metrics.get) == (False, 0.02)
    assert parse_threshold("rps >= 500").check(metrics.get)[0] is False
    assert parse_threshold("p99 < 1s").check(metrics.get) == (True, None)


def _second(rec: Recorder, latencies_us: list[int], status: int = 200) -> None:
    for value in latencies_us:
        rec.response(value, status)
    rec.close_second(1.0)


def test_sliding_window_forgets_old_seconds():
    rec = Recorder(frozenset(range(200, 400)), window_seconds=2)
    tracker = ThresholdTracker(["p95 < 100ms", "error_rate < 10%", "rps >= 5"])
    _second(rec, [500_000] * 10)  # a slow second
    _second(rec, [1_000] * 10)
    assert tracker.evaluate_window(rec.window_lookup(), 2.0)  # slow second still in window
    _second(rec, [1_000] * 10)
    assert tracker.evaluate_window(rec.window_lookup(), 3.0) == []
    _second(rec, [1_000] * 2, status=503)
    failed = tracker.evaluate_window(rec.window_lookup(), 4.0)
    assert any("error_rate" in f for f in failed)
    state = tracker.states[0]
    assert state.ever_failed_window and state.first_window_failure_at == 2.0
    assert state.worst_window_value == pytest.approx(500, rel=0.01)


def test_overall_histogram_percentiles_are_accurate():
    rec = Recorder(frozenset(range(200, 400)), window_seconds=10)
    values = np.random.default_rng(1).lognormal(mean=8, sigma=0.8, size=20_000).astype(int)
    for start in range(0, len(values), 5000):
        _second(rec, [int(v) for v in values[start : start + 5000]])
    summary = rec.latency_summary()
    for pct in (50, 90, 95, 99):
        exact = np.percentile(values, pct) / 1000
        assert summary[f"p{pct}"] == pytest.approx(exact, rel=0.01)
    assert summary["max"] == pytest.approx(values.max() / 1000, rel=0.001)


def _spec(url: str, **extra) -> ScenarioSpec:
    base = {"requests": [{"url": url}], "executor": "constant-arrival-rate", "rate": 50}
    return ScenarioSpec.from_dict({**base, **extra})


async def test_run_passes_and_fails_overall(target):
    spec = _spec(target.url("/fast"), duration=1, thresholds=["p95 < 500ms", "rps >= 1000"])
    summary = await ScenarioRun(spec).run()
    rows = {row["threshold"]: row for row in summary.thresholds}
    assert rows["p95 < 500ms"]["passed"] is True
    assert rows["rps >= 1000"]["passed"] is False
    assert summary.thresholds_passed is False
    assert summary.as_dict()["thresholds"][1]["observed"] == pytest.approx(50, rel=0.1)


async def test_abort_on_failing_window(target):
    spec = _spec(
        target.url("/slow?ms=150"),
        duration=10,
        window=1,
        thresholds=["p95 < 50ms"],
        abort_on_fail=True,
    )
    summary = await ScenarioRun(spec).run()
    assert summary.status == "aborted"
    assert "p95 < 50ms" in summary.reason and "p95=" in summary.reason
    assert summary.duration_s < 3
    row = summary.thresholds[0]
    assert row["ever_failed_window"] and not row["passed"]


async def test_window_failure_recorded_without_abort(target):
    spec = _spec(target.url("/status/500"), duration=2, window=1, thresholds=["error_rate<1%"])
    summary = await ScenarioRun(spec).run()
    assert summary.status == "completed"
    assert summary.thresholds[0]["ever_failed_window"] is True
    assert summary.thresholds[0]["window_failures"] >= 1
