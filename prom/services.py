"""Writes of scrape targets: the import of a Prometheus configuration (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from prom.models import ScrapeTarget
from prom.scrape_config.config import TargetSpec
from prom.target_rules import (
    TargetError,
    check_auth,
    check_interval,
    check_job,
    check_labels,
    check_metric_relabel,
    check_timeout,
    check_url,
)

FIELDS = (
    "interval_ms", "timeout_ms", "labels", "honor_labels", "honor_timestamps", "username",
    "password_env", "bearer_env", "metric_relabel_configs",
)  # fmt: skip


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    errors: list[str] = field(default_factory=list)


def _fields(spec: TargetSpec) -> dict:
    """The model fields of a spec, checked by the same rules as the API (TargetError)."""
    check_job(spec.job)
    check_url(spec.url)
    interval_ms = check_interval(spec.interval)
    check_auth(spec.username, spec.password_env, spec.bearer_env)
    return {
        "interval_ms": interval_ms,
        "timeout_ms": check_timeout(spec.timeout, interval_ms),
        "labels": check_labels(spec.labels),
        "honor_labels": spec.honor_labels,
        "honor_timestamps": spec.honor_timestamps,
        "username": spec.username,
        "password_env": spec.password_env,
        "bearer_env": spec.bearer_env,
        "metric_relabel_configs": check_metric_relabel(spec.metric_relabel_configs),
    }


def scrape_targets_import(
    *, specs: list[TargetSpec], source: str, prune: bool = False, dry_run: bool = False
) -> ImportCounts:
    """Create or update a target per (job, url); with ``prune``, delete this source's
    targets the specs no longer list. All or nothing: any invalid target writes nothing
    (``errors`` lists them all). ``dry_run`` counts without writing."""
    counts = ImportCounts()
    wanted: dict[tuple[str, str], dict] = {}
    for spec in specs:
        try:
            wanted[(spec.job, spec.url)] = _fields(spec)
        except TargetError as exc:
            counts.errors.append(f"job {spec.job!r} target {spec.url!r}: {exc}")
    if counts.errors:
        return counts
    with transaction.atomic():
        _apply(wanted, source, prune, counts)
        if dry_run:
            transaction.set_rollback(True)
    return counts


def _apply(wanted: dict, source: str, prune: bool, counts: ImportCounts) -> None:
    existing = {(t.job, t.url): t for t in ScrapeTarget.objects.select_for_update()}
    for key, fields in wanted.items():
        target = existing.get(key)
        if target is None:
            ScrapeTarget.objects.create(job=key[0], url=key[1], source=source, **fields)
            counts.created += 1
        elif all(getattr(target, f) == fields[f] for f in FIELDS):
            counts.unchanged += 1
        else:
            for name, value in fields.items():
                setattr(target, name, value)
            target.source = source
            target.save()
            counts.updated += 1
    if prune:
        stale = [t.pk for k, t in existing.items() if t.source == source and k not in wanted]
        counts.removed = ScrapeTarget.objects.filter(pk__in=stale).delete()[0]
