"""Scenario generator: ready-made scenario types at four difficulty levels.

Difficulty scales load (VUs or rate) and duration up and tightens the thresholds; the
seed adds a bounded jitter (±15 %, the same factor for every difficulty of one seed, so
load stays monotonic in difficulty). Results are clamped to ``Limits``.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from .safety import Limits
from .spec import RequestSpec, ScenarioSpec, Stage

SCENARIO_TYPES = ("smoke", "load", "stress", "spike", "soak", "breakpoint")
DIFFICULTIES = ("easy", "medium", "hard", "extreme")
_P95_MS = (1000, 500, 300, 200)
_P99_MS = (2000, 1000, 600, 400)
_ERROR_PCT = (5, 2, 1, 0.5)
_THINK = (1.0, 0.5, 0.1, 0.0)


def _thresholds(level: int) -> list[str]:
    """Thresholds for a difficulty level (tighter as it rises)."""
    return [
        f"p95 < {_P95_MS[level]}ms",
        f"p99 < {_P99_MS[level]}ms",
        f"error_rate < {_ERROR_PCT[level]:g}%",
    ]


def _smoke(level: int, jitter: float) -> dict:
    """A handful of VUs briefly: is it up and sane?"""
    vus = max(1, round((1, 2, 5, 10)[level] * jitter))
    return {"executor": "constant-vus", "vus": vus, "duration": (10, 15, 20, 30)[level]}


def _load(level: int, jitter: float) -> dict:
    """Ramp to the expected VU level, hold, ramp down."""
    vus = max(1, round((10, 50, 150, 400)[level] * jitter))
    total = (60, 120, 300, 600)[level]
    stages = [(0.2 * total, vus), (0.6 * total, vus), (0.2 * total, 0)]
    return {"executor": "ramping-vus", "stages": stages}


def _stress(level: int, jitter: float) -> dict:
    """Staircase of rates up to beyond the expected peak."""
    peak = (50, 200, 800, 3000)[level] * jitter
    step = (60, 90, 120, 180)[level] / 8
    stages = []
    for frac in (0.25, 0.5, 0.75, 1.0):
        stages += [(step, peak * frac), (step, peak * frac)]
    return {"executor": "ramping-arrival-rate", "start_rate": 1, "stages": stages}


def _spike(level: int, jitter: float) -> dict:
    """Baseline rate with a sudden burst."""
    duration = (60, 90, 120, 180)[level]
    return {
        "executor": "spike",
        "rate": (20, 50, 150, 400)[level] * jitter,
        "spike_multiplier": (3, 5, 8, 10)[level],
        "duration": duration,
        "spike_at": duration * 0.4,
        "spike_duration": duration * 0.15,
    }


def _soak(level: int, jitter: float) -> dict:
    """A long steady rate (leaks, pool exhaustion, slow degradation)."""
    rate = (20, 50, 150, 400)[level] * jitter
    return {"executor": "soak", "rate": rate, "duration": (600, 1800, 3600, 7200)[level]}


def _breakpoint(level: int, jitter: float) -> dict:
    """Linear rate ramp until the thresholds break (aborts on failure)."""
    peak = (200, 1000, 4000, 15000)[level] * jitter
    total = (60, 120, 180, 300)[level]
    return {
        "executor": "ramping-arrival-rate",
        "start_rate": 1,
        "stages": [(total, peak)],
        "abort_on_fail": True,
        "window": 5,
    }


_BUILDERS: dict[str, Callable[[int, float], dict]] = {
    "smoke": _smoke,
    "load": _load,
    "stress": _stress,
    "spike": _spike,
    "soak": _soak,
    "breakpoint": _breakpoint,
}


def generate_scenario(
    type: str | None = None,  # noqa: A002 - the product's vocabulary
    difficulty: str = "easy",
    target_url: str = "http://127.0.0.1:8000/",
    seed: int | None = None,
    limits: Limits | None = None,
) -> ScenarioSpec:
    """Build a scenario of ``type`` (random if None) at ``difficulty`` against the URL."""
    if difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty: {difficulty!r} is not one of {list(DIFFICULTIES)}")
    rng = random.Random(seed)
    kind = type or rng.choice(SCENARIO_TYPES)
    if kind not in _BUILDERS:
        raise ValueError(f"type: {kind!r} is not one of {list(SCENARIO_TYPES)}")
    level, jitter = DIFFICULTIES.index(difficulty), rng.uniform(0.85, 1.15)
    fields = _BUILDERS[kind](level, jitter)
    fields.setdefault("window", 10)
    spec = ScenarioSpec(
        requests=[RequestSpec(url=target_url, name=f"GET {target_url}")],
        name=f"{kind}-{difficulty}",
        thresholds=_thresholds(level),
        think_time=_THINK[level] if fields["executor"].endswith("vus") else 0.0,
        timeout=10.0 if level == 0 else 5.0,
        **{k: v for k, v in fields.items() if k != "stages"},
        stages=[Stage(float(d), float(round(t, 1))) for d, t in fields.get("stages", [])],
    )
    _clamp(spec, limits or Limits())
    spec.validate()
    return spec


def _clamp(spec: ScenarioSpec, limits: Limits) -> None:
    """Scale load and duration down to the caps (in place)."""
    cap = limits.max_rate if spec.is_arrival_rate else limits.max_vus
    factor = min(1.0, cap / spec.peak()) if spec.peak() > 0 else 1.0
    if factor < 1.0:
        spec.rate = round(spec.rate * factor, 3)
        spec.vus = max(1, int(spec.vus * factor))
        spec.stages = [Stage(s.duration, round(s.target * factor, 3)) for s in spec.stages]
        spec.start_rate = min(spec.start_rate, spec.peak())
    scale = min(1.0, limits.max_duration / spec.total_duration() * (1 - 1e-9))
    if scale < 1.0:
        spec.duration = spec.duration * scale
        spec.stages = [Stage(s.duration * scale, s.target) for s in spec.stages]
        spec.spike_at = None if spec.spike_at is None else spec.spike_at * scale
        spec.spike_duration = None if spec.spike_duration is None else spec.spike_duration * scale
    spec.rate, spec.start_rate = round(spec.rate, 3), round(spec.start_rate, 3)
