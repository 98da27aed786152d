"""Reads of scrape targets."""

from __future__ import annotations

from itertools import groupby

from prom.models import ScrapeTarget


def targets_by_job() -> list[dict]:
    """``[{"job", "targets": [...], "up": n, "total": n}]``, jobs by name (the Targets page)."""
    rows = list(ScrapeTarget.objects.order_by("job", "url"))
    jobs = []
    for job, group in groupby(rows, key=lambda t: t.job):
        targets = list(group)
        up = sum(t.health == ScrapeTarget.Health.UP for t in targets if t.enabled)
        jobs.append({"job": job, "targets": targets, "up": up, "total": len(targets)})
    return jobs
