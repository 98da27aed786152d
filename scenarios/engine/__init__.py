"""Hydra's load-test engine: pure asyncio, no Django.

Public interface (see each module for details)::

    ScenarioSpec.from_dict(data) / spec.to_dict()          # spec.py
    ScenarioRun(spec, on_second=..., cancel_event=..., allowed_hosts=..., limits=...)
    await run.run() -> RunSummary;  run.cancel()             # runner.py
    run_scenario(spec, **kw) / run_scenario_sync(spec, **kw)
    check_target_allowed(url, allowed_hosts), check_limits(spec, limits)   # safety.py
    parse_threshold(expr)                                    # thresholds.py
    generate_scenario(type, difficulty, target_url, seed)    # generator.py
    find_capacity(run_step, slo, start_rps, max_rps, step_duration, ...)  # capacity.py
    make_run_step(base_spec, ...)                            # runner-backed run_step
"""

from .capacity import CapacityResult, CapacityStep, StepResult, find_capacity, make_run_step
from .generator import DIFFICULTIES, SCENARIO_TYPES, generate_scenario
from .runner import ScenarioRun, run_scenario, run_scenario_sync
from .safety import (
    DEFAULT_ALLOWED_HOSTS,
    LimitExceeded,
    Limits,
    TargetNotAllowed,
    check_limits,
    check_target_allowed,
)
from .spec import EXECUTORS, RequestSpec, ScenarioSpec, SpecError, Stage, parse_duration
from .stats import RunSummary, SecondStats
from .thresholds import Threshold, parse_threshold, parse_thresholds

__all__ = [
    "DEFAULT_ALLOWED_HOSTS",
    "DIFFICULTIES",
    "EXECUTORS",
    "SCENARIO_TYPES",
    "CapacityResult",
    "CapacityStep",
    "LimitExceeded",
    "Limits",
    "RequestSpec",
    "RunSummary",
    "ScenarioRun",
    "ScenarioSpec",
    "SecondStats",
    "SpecError",
    "Stage",
    "StepResult",
    "TargetNotAllowed",
    "Threshold",
    "check_limits",
    "check_target_allowed",
    "find_capacity",
    "generate_scenario",
    "make_run_step",
    "parse_duration",
    "parse_threshold",
    "parse_thresholds",
    "run_scenario",
    "run_scenario_sync",
]
