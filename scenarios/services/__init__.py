"""Writes of the scenarios app, split by sub-domain; import from here."""

from scenarios.services.runs import (
    run_cancel,
    run_execute,
    run_request,
    runs_reap_stale,
)
from scenarios.services.scenarios import (
    SafetyError,
    check_spec_safe,
    scenario_create,
    scenario_generate,
    scenario_update,
)
from scenarios.services.training import (
    TrainingBusy,
    training_execute,
    training_reap_stale,
    training_start,
    training_stop,
)

__all__ = [
    "SafetyError",
    "TrainingBusy",
    "check_spec_safe",
    "run_cancel",
    "run_execute",
    "run_request",
    "runs_reap_stale",
    "scenario_create",
    "scenario_generate",
    "scenario_update",
    "training_execute",
    "training_reap_stale",
    "training_start",
    "training_stop",
]
