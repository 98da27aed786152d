"""What a forecast run needs to know: durations, model, seasonalities, interval width.

Plain Python (no Django), shared by the config model, the services, the API's run
overrides and the ``forecast`` command, so every entry point validates the same way.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta

MAX_STEPS = 2016
MIN_HISTORY_STEPS = 10
DAY = 86400
MODEL_NAMES = ("auto", "prophet", "ets", "theta", "seasonal_naive", "linear_ar")
SEASONALITIES: dict[str, str | list[str]] = {
    "auto": "auto",
    "daily": ["daily"],
    "weekly": ["weekly"],
    "daily+weekly": ["daily", "weekly"],
    "none": [],
}


def _horizon_errors(horizon: int, step: int) -> dict[str, str]:
    if horizon % step:
        return {
            "horizon_seconds": f"the horizon ({horizon}s) must be a whole number of steps ({step}s)"
        }
    if horizon // step > MAX_STEPS:
        return {
            "horizon_seconds": f"the horizon is {horizon // step} steps of {step}s; at most "
            f"{MAX_STEPS}: use a coarser step or a shorter horizon"
        }
    return {}


def _history_errors(history: int, horizon: int, step: int) -> dict[str, str]:
    if history < horizon:
        return {
            "history_seconds": f"the history window ({history}s) must be at least as long as "
            f"the horizon ({horizon}s)"
        }
    if history // step < MIN_HISTORY_STEPS:
        return {
            "history_seconds": f"the history window must hold at least {MIN_HISTORY_STEPS} steps"
        }
    return {}


def validate_settings(*, horizon: int, step: int, history: int, level: float) -> dict[str, str]:
    """Field -> message for a bad combination of durations (seconds) and interval width.
    A horizon or step of 0 is chosen from the data at run time (``AUTO``)."""
    if min(horizon, step) < 0 or history <= 0:
        return {
            "step_seconds": "horizon and step must be positive numbers of seconds (or 0: "
            "from the data) and history positive"
        }
    errors: dict[str, str] = {}
    if horizon and step:
        errors = {**_horizon_errors(horizon, step), **_history_errors(history, horizon, step)}
    elif horizon and history < horizon:
        errors = _history_errors(history, horizon, 1)
    if step and DAY % step and step % DAY:
        errors["step_seconds"] = (
            f"the step ({step}s) must divide a day or be a whole number of days"
        )
    if not 0.0 < level < 1.0:
        errors["level"] = f"the interval width must be between 0 and 1 (e.g. 0.8), got {level}"
    return errors


AUTO = 0  # a horizon or step of 0 is chosen from the series' data when the run starts


@dataclass(frozen=True)
class ForecastSpec:
    """One run's settings (durations in seconds; horizon and step ``AUTO`` by default)."""

    horizon_seconds: int = AUTO
    step_seconds: int = AUTO
    history_seconds: int = 14 * DAY
    model: str = "auto"
    seasonalities: str = "auto"
    level: float = 0.8

    def errors(self) -> dict[str, str]:
        errors = validate_settings(
            horizon=self.horizon_seconds,
            step=self.step_seconds,
            history=self.history_seconds,
            level=self.level,
        )
        if self.model not in MODEL_NAMES:
            errors["model"] = f"unknown model {self.model!r}; choose from {', '.join(MODEL_NAMES)}"
        if self.seasonalities not in SEASONALITIES:
            errors["seasonalities"] = f"choose from {', '.join(SEASONALITIES)}"
        return errors

    def validated(self) -> ForecastSpec:
        """Itself, or ValueError naming every bad field."""
        if errors := self.errors():
            raise ValueError("; ".join(f"{k}: {v}" for k, v in errors.items()))
        return self

    def with_overrides(self, overrides: dict) -> ForecastSpec:
        known = {f.name for f in dataclasses.fields(self)}
        return dataclasses.replace(self, **{k: v for k, v in overrides.items() if k in known})

    @property
    def resolved(self) -> bool:
        """Are the horizon and step set (not left to the data)?"""
        return bool(self.horizon_seconds and self.step_seconds)

    @property
    def horizon(self) -> timedelta:
        return timedelta(seconds=self.horizon_seconds)

    @property
    def step(self) -> timedelta:
        return timedelta(seconds=self.step_seconds)

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)
