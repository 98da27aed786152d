"""Load-test scenarios, their runs, and training sessions (adaptive capacity search).

A ``Scenario`` stores its load test as the engine's JSON spec (``ScenarioSpec.to_dict()``
form), so the form, the API and the generator all produce the same thing and the engine
validates it. A ``ScenarioRun`` keeps a snapshot of the spec it ran, its live state while
running and the final summary; the per-second results are Hydra series
(``scenario.rps``, ``scenario.latency.p50|p95|p99``, ``scenario.errors``, labels ``run``
and ``scenario``). A ``TrainingSession`` is one capacity search with its evidence.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from scenarios.engine import ScenarioSpec, SpecError


def spec_errors(spec: object, name: str = "scenario") -> str | None:
    """The engine's message for an invalid spec, or None when it is valid."""
    if not isinstance(spec, dict):
        return "spec: expected an object"
    try:
        ScenarioSpec.from_dict({**spec, "name": name})
    except (SpecError, ValueError, TypeError) as exc:
        return str(exc)
    return None


def host_of(url: str) -> str:
    """The host name of a URL ('' when there is none)."""
    return urlsplit(url).hostname or ""


class Scenario(models.Model):
    """A load test against an HTTP service: requests, executor, load shape, thresholds."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    spec = models.JSONField(help_text="the engine's scenario spec (requests, executor, ...)")
    tags = models.JSONField(default=list, blank=True)
    monitored_host = models.CharField(
        max_length=200,
        blank=True,
        help_text="Hydra host whose server metrics the run page shows (default: the URL's host)",
    )
    kind = models.CharField(max_length=20, blank=True, help_text="generator type, if generated")
    difficulty = models.CharField(max_length=10, blank=True)
    generated = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        permissions = [("run_scenario", "Can start and stop load-test runs")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        message = spec_errors(self.spec, self.name or "scenario")
        if message:
            raise ValidationError({"spec": message})
        if not isinstance(self.tags, list) or not all(isinstance(t, str) for t in self.tags):
            raise ValidationError({"tags": "expected a list of strings"})

    def engine_spec(self) -> ScenarioSpec:
        """The validated engine spec (raises ``SpecError``)."""
        return ScenarioSpec.from_dict({**self.spec, "name": self.name})

    @property
    def target_url(self) -> str:
        requests = self.spec.get("requests") or [{}]
        return str(requests[0].get("url", ""))

    @property
    def executor(self) -> str:
        return str(self.spec.get("executor", "constant-vus"))

    def watched_host(self) -> str:
        return self.monitored_host or host_of(self.target_url)


class Execution(models.Model):
    """What runs and training sessions share: who started it and when it ran (a worker
    updates ``heartbeat_at`` every second while it runs)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class ScenarioRun(Execution):
    """One execution of a scenario: queued → running → completed/aborted/cancelled/failed."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        COMPLETED = "completed"
        ABORTED = "aborted"
        CANCELLED = "cancelled"
        FAILED = "failed"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    scenario = models.ForeignKey(
        Scenario, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    name = models.CharField(max_length=200)
    spec = models.JSONField(help_text="snapshot of the spec this run executed")
    monitored_host = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    reason = models.TextField(blank=True)
    cancel_requested = models.BooleanField(default=False)
    live = models.JSONField(default=dict, blank=True, help_text="latest second while running")
    summary = models.JSONField(null=True, blank=True)
    thresholds_passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status"], name="scenarios_run_status"),
            models.Index(fields=["started_at", "ended_at"], name="scenarios_run_span"),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} · {self.name}"

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def target_url(self) -> str:
        requests = self.spec.get("requests") or [{}]
        return str(requests[0].get("url", ""))

    @property
    def labels(self) -> dict[str, str]:
        """Labels of the run's Hydra series."""
        return {"run": str(self.pk), "scenario": self.name}

    @property
    def latency_columns(self) -> list[tuple[str, float | None]]:
        """The summary's latency percentiles in a fixed order (jsonb keeps its own)."""
        return ordered_latency((self.summary or {}).get("latency_ms") or {})

    @property
    def figures(self) -> dict | None:
        """The whole run's figures for the big numbers once it has a summary, else None."""
        s = self.summary
        if not s:
            return None
        latency = s.get("latency_ms") or {}
        return {"elapsed": s.get("duration_s"), "rps": s.get("rps"), "p95": latency.get("p95"),
                "errors": s.get("errors", 0)}  # fmt: skip

    @property
    def threshold_results(self) -> list[tuple[str, bool | None]]:
        """Each threshold of the spec with whether it held over the whole run (None until
        the summary exists)."""
        rows = (self.summary or {}).get("thresholds") or []
        passed = {t["threshold"]: bool(t.get("passed")) for t in rows}
        return [(t, passed.get(t)) for t in self.spec.get("thresholds") or []]


LATENCY_ORDER = ("min", "mean", "p50", "p90", "p95", "p99", "max")


def ordered_latency(latency: dict[str, float | None]) -> list[tuple[str, float | None]]:
    """Latency percentiles in ``LATENCY_ORDER`` (unknown keys last, by name)."""
    rank = {k: i for i, k in enumerate(LATENCY_ORDER)}
    return sorted(latency.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))


class TrainingSession(Execution):
    """One adaptive capacity search: ramp the rate, bisect to the highest rate meeting the SLO."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        CONVERGED = "converged"
        MAX_REACHED = "max_reached"
        BELOW_START = "below_start"
        STEP_LIMIT = "step_limit"
        STOPPED = "stopped"
        FAILED = "failed"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    label = models.CharField(max_length=200, blank=True, help_text="e.g. the release under test")
    target_url = models.URLField(max_length=2000)
    method = models.CharField(max_length=10, default="GET")
    slo = models.JSONField(help_text="threshold expressions, e.g. ['p95 < 300ms']")
    start_rps = models.FloatField()
    max_rps = models.FloatField()
    step_duration = models.FloatField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    reason = models.TextField(blank=True)
    stop_requested = models.BooleanField(default=False)
    active_slot = models.BooleanField(
        null=True, unique=True, default=None, editable=False,
        help_text="True while started by training_start and not ended: the database allows one",
    )  # fmt: skip
    steps = models.JSONField(default=list, blank=True)
    capacity_rps = models.FloatField(null=True, blank=True)
    first_failing_rps = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        permissions = [("run_training", "Can start and stop capacity training")]

    def __str__(self) -> str:
        return f"training {self.pk} · {self.label or self.target_url}"

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def successful_steps(self) -> int:
        return sum(1 for step in self.steps if step.get("passed"))

    @property
    def labels(self) -> dict[str, str]:
        """Labels of the session's per-second Hydra series."""
        return {"training": str(self.pk)}
