"""Reads behind the Prometheus API's metadata endpoints (/series, /labels,
/label/<name>/values and /metadata, with Prometheus's answers' order) and of scrape targets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import groupby

from metrics.models import Series
from metrics.selectors import series_with_points
from prom.models import ScrapeTarget
from prom.promql import LabelMatcher
from prom.promql import labels as lbl
from prom.storage import NAME_COLUMNS, matching_series, prom_labels

ALL: list[list[LabelMatcher]] = [[]]  # no match[]: every series
FAMILY_SUFFIXES = {  # Series.type -> suffixes of the family's series names
    "histogram": ("_bucket", "_sum", "_count", "_created"),
    "summary": ("_sum", "_count", "_created"),
    "counter": ("_created",),
}


def _all_series() -> dict[int, dict[str, str]]:
    rows = Series.objects.order_by().values_list(*NAME_COLUMNS).iterator(chunk_size=5_000)
    return {sid: prom_labels(*row) for sid, *row in rows}


def series_labels(
    *,
    selectors: Sequence[Sequence[LabelMatcher]],
    start_ms: int | None = None,
    end_ms: int | None = None,
    limit: int | None = None,
) -> list[dict[str, str]]:
    """Label sets of the series matching any of ``selectors`` (with a point in the range
    when one is given), sorted like Prometheus sorts series."""
    found: dict[int, dict[str, str]] = {}
    for matchers in selectors:
        found.update(matching_series(matchers, limit) if matchers else _all_series())
    if start_ms is not None or end_ms is not None:
        start_us = (start_ms if start_ms is not None else -(2**62) // 1000) * 1000
        end_us = (end_ms if end_ms is not None else 2**62 // 1000) * 1000 + 999
        keep = series_with_points(series_ids=list(found), start_us=start_us, end_us=end_us)
        keep |= _created_between(list(found), start_us, end_us)
        found = {sid: labels for sid, labels in found.items() if sid in keep}
    unique = {lbl.from_mapping(labels) for labels in found.values()}
    return [dict(labels) for labels in sorted(unique)]


def _created_between(series_ids: list[int], start_us: int, end_us: int) -> set[int]:
    """Series made in the range exist in it, with or without points there (SQLite can't
    keep NaN samples: a series of NaN only, such as an idle summary's quantiles, has none)."""
    start = dt.datetime.fromtimestamp(max(start_us, 0) / 1e6, tz=dt.UTC)
    end = dt.datetime.fromtimestamp(min(end_us, 2**53) / 1e6, tz=dt.UTC)
    found: set[int] = set()
    for i in range(0, len(series_ids), 5_000):
        rows = Series.objects.filter(
            pk__in=series_ids[i : i + 5_000], created_at__range=(start, end)
        )
        found.update(rows.values_list("pk", flat=True))
    return found


def label_names(**kwargs) -> list[str]:
    return sorted({name for labels in series_labels(**kwargs) for name in labels})


def label_values(*, name: str, **kwargs) -> list[str]:
    return sorted({labels[name] for labels in series_labels(**kwargs) if name in labels})


def family_name(name: str, kind: str) -> str:
    for suffix in FAMILY_SUFFIXES.get(kind, ()):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def metric_metadata(*, metric: str = "", limit: int = -1) -> dict[str, list[dict[str, str]]]:
    """Metric family -> [{type, help, unit}], from what remote write / OTLP / scrapes said
    (series of unknown type without help or unit say nothing); ``limit`` families (< 0: all)."""
    rows = (
        Series.objects.order_by("name")
        .exclude(type="unknown", help="", unit="")
        .values_list("name", "type", "help", "unit")
        .distinct()
    )
    out: dict[str, list[dict[str, str]]] = {}
    for name, kind, help_text, unit in rows:
        family = family_name(name, kind)
        if metric and family != metric:
            continue
        entry = {"type": kind, "help": help_text, "unit": unit}
        entries = out.setdefault(family, [])
        if entry not in entries:
            entries.append(entry)
    if limit >= 0:
        out = dict(list(out.items())[:limit])
    return out


def targets_by_job() -> list[dict]:
    """``[{"job", "targets": [...], "up": n, "total": n}]``, jobs by name (the Targets page)."""
    rows = list(ScrapeTarget.objects.order_by("job", "url"))
    jobs = []
    for job, group in groupby(rows, key=lambda t: t.job):
        targets = list(group)
        up = sum(t.health == ScrapeTarget.Health.UP for t in targets if t.enabled)
        jobs.append({"job": job, "targets": targets, "up": up, "total": len(targets)})
    return jobs
