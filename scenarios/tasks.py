"""Celery tasks of the scenarios app: thin wrappers over services.

Runs and training go to the ``scenarios`` queue (a load generator should not share a
worker slot with detection or forecasting). They are acknowledged on receipt, not after:
a load test must never be re-run because a worker died mid-run; the reaper marks such a
run failed instead.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from scenarios import services


@shared_task(name="scenarios.tasks.run_scenario", ignore_result=True, acks_late=False)
def run_scenario(run_id: int) -> str | None:
    """Execute a queued run (no-op when it was cancelled or claimed elsewhere)."""
    run = services.run_execute(run_id=run_id)
    return run.status if run else None


@shared_task(name="scenarios.tasks.run_training", ignore_result=True, acks_late=False)
def run_training(session_id: int) -> str | None:
    """Execute a queued training session."""
    session = services.training_execute(session_id=session_id)
    return session.status if session else None


@shared_task(name="scenarios.tasks.reap_stale_runs", ignore_result=True)
def reap_stale_runs() -> int:
    """Fail runs and training sessions whose load generator stopped reporting."""
    cutoff = timezone.now() - settings.HYDRA_SCENARIO_STALE_AFTER
    return services.runs_reap_stale() + services.training_reap_stale(cutoff)
