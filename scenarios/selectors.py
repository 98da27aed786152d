"""Reads of the scenarios app: lists for pages and the API, a run's series, training."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from metrics.models import Series
from scenarios.models import Scenario, ScenarioRun, TrainingSession
from scenarios.recording import SERIES

RUN_SERIES = [name for name, _ in SERIES]
HOST_METRICS_LIMIT = 8
# what a scraped server has beside its own metrics: the scraper's series about the scrape
SCRAPE_SERIES = (
    "up", "scrape_duration_seconds", "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling", "scrape_series_added",
)  # fmt: skip
NOISE_SUFFIXES = ("_bucket", "_created")


def scenario_list() -> QuerySet[Scenario]:
    return Scenario.objects.select_related("created_by")


def recent_generated(limit: int = 8) -> list[Scenario]:
    """The "recent problems": scenarios the generator made, newest first."""
    return list(Scenario.objects.filter(generated=True).order_by("-created_at")[:limit])


def run_list() -> QuerySet[ScenarioRun]:
    return ScenarioRun.objects.select_related("scenario", "created_by")


def runs_active() -> list[ScenarioRun]:
    return list(ScenarioRun.objects.filter(status__in=ScenarioRun.ACTIVE).order_by("-id"))


def overview_runs() -> list[dict]:
    """Running load tests for the overview panel: name, url, started, progress (0-1)."""
    rows = []
    for run in ScenarioRun.objects.filter(status=ScenarioRun.Status.RUNNING).order_by("-id")[:10]:
        planned = _planned_seconds(run)
        elapsed = (timezone.now() - run.started_at).total_seconds() if run.started_at else 0.0
        progress = min(1.0, elapsed / planned) if planned else None
        url = reverse("scenarios:run", args=[run.pk])
        rows.append({"name": run.name, "url": url, "started": run.started_at, "progress": progress})
    return rows


def _planned_seconds(run: ScenarioRun) -> float:
    stages = run.spec.get("stages") or []
    if run.spec.get("executor", "").startswith("ramping") and stages:
        return float(sum(stage.get("duration", 0) for stage in stages))
    return float(run.spec.get("duration") or 0)


def runs_overlapping(start: datetime, end: datetime) -> list[ScenarioRun]:
    """Runs that started before ``end`` and had not ended by ``start`` (oldest first)."""
    overlap = Q(started_at__lte=end) & (Q(ended_at__isnull=True) | Q(ended_at__gte=start))
    return list(ScenarioRun.objects.filter(overlap).order_by("started_at"))


LINGER = timedelta(minutes=1)


def run_generating_load(when: datetime) -> ScenarioRun | None:
    """The newest run generating load at ``when`` or within the minute before (effects of a
    load test outlast it a little): alerts firing then are tagged with it."""
    runs = runs_overlapping(when - LINGER, when)
    return runs[-1] if runs else None


def runs_at(when: datetime) -> list[ScenarioRun]:
    """Runs that were generating load at ``when`` (to tag alerts fired during a load test)."""
    return runs_overlapping(when, when)


def run_series(run: ScenarioRun) -> dict[str, int]:
    """Metric name → series id of the run's client-side series (those written so far)."""
    rows = Series.objects.filter(name__in=RUN_SERIES, host="", labels__run=str(run.pk))
    return dict(rows.values_list("name", "id"))


def host_series(host: str) -> list[Series]:
    """The monitored host's own series (server-side metrics), shown beside a run's."""
    if not host:
        return []
    found = Series.objects.filter(host=host).exclude(name__in=SCRAPE_SERIES)
    for suffix in NOISE_SUFFIXES:  # a histogram's buckets, counters' creation times
        found = found.exclude(name__endswith=suffix)
    return list(found.order_by("name", "id")[:HOST_METRICS_LIMIT])


def training_current() -> TrainingSession | None:
    """The active session, else the newest one."""
    active = TrainingSession.objects.filter(status__in=TrainingSession.ACTIVE).order_by("-id")
    return active.first() or TrainingSession.objects.order_by("-id").first()


def training_history(limit: int = 20) -> list[TrainingSession]:
    return list(TrainingSession.objects.order_by("-id")[:limit])


def capacity_points(sessions: list[TrainingSession]) -> list[dict]:
    """Capacity per finished session, oldest first ("capacity over releases")."""
    measured = (TrainingSession.Status.CONVERGED, TrainingSession.Status.MAX_REACHED)
    found = [s for s in reversed(sessions) if s.capacity_rps and s.status in measured]
    return [{"id": s.pk, "label": s.label or f"#{s.pk}", "capacity": s.capacity_rps} for s in found]


def run_pair(first: int, second: int) -> tuple[ScenarioRun | None, ScenarioRun | None]:
    runs = {r.pk: r for r in ScenarioRun.objects.filter(pk__in=[first, second])}
    return runs.get(first), runs.get(second)
