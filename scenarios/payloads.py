"""Shapes of the live messages of the scenarios app (sent through ``core.live``).

A run page subscribes to ``run:<id>``; a training page to ``run:<id>`` of its session's
steps is not needed: training progress goes to ``training:<id>``.
"""

from __future__ import annotations

from typing import Any, TypedDict


class RunSecond(TypedDict):
    """One second of a run (latencies in ms), as the run page draws it."""

    t: float  # epoch seconds at the end of the second
    elapsed: float
    rps: float
    p50: float | None
    p95: float | None
    p99: float | None
    errors: int
    error_rate: float
    vus: int | None
    target_rate: float | None
    in_flight: int


class RunProgress(TypedDict):
    """``run:<id>``: a second of results, the window threshold states and the status."""

    type: str  # "run_progress"
    run: int
    status: str
    second: RunSecond | None
    thresholds: list[dict[str, Any]]
    summary: dict[str, Any] | None  # set once, when the run ends


class TrainingProgress(TypedDict):
    """``training:<id>``: a finished step, or the end of the session."""

    type: str  # "training_progress"
    session: int
    status: str
    step: dict[str, Any] | None
    second: RunSecond | None
    capacity_rps: float | None
