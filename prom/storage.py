"""Hydra's database as the PromQL engine's storage (``prom.promql.Storage``).

``select(matchers, start_ms, end_ms)``: the series whose Prometheus label set
(``Series.prometheus_labels``) satisfies every matcher, with their points in the range.

- SQL gets only what it does exactly and cheaply: ``__name__ =`` (``Series.name``), a
  ``__name__`` regex resolved against the distinct names with RE2 first, and label
  equality on the JSON labels. Every matcher is then checked in Python on the candidates
  (regexes only through RE2: PostgreSQL's regexes are not linear-time).
- More matching series than the limit is an error before any point is read.
- Points come from ``metrics.selectors.raw_points`` (the one raw read, whatever the storage
  tier), staleness markers from ``metrics.selectors.stale_marks``, merged in as
  ``STALE_NAN``; timestamps are µs in the database, ms here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from django.db.models import TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from metrics.models import Series
from metrics.selectors import raw_points, stale_marks
from prom.promql import STALE_NAN, LabelMatcher, SeriesData, TooManySeriesError, normalise
from prom.promql.matchers import matches_all

ID_CHUNK = 5_000  # series ids per point query (bound on SQL parameters)
NAME_COLUMNS = ("id", "name", "host", "labels", "host_from_instance")


def prom_labels(name: str, host: str, labels: dict, host_from_instance: bool) -> dict[str, str]:
    """``Series.prometheus_labels`` from the row's columns (no model instance needed)."""
    out = {"__name__": name, **{k: v for k, v in labels.items() if v != ""}}
    if host and not host_from_instance:
        out["host"] = host
    return out


def _name_filter(matchers: Sequence[LabelMatcher]) -> dict | None:
    """A queryset filter on ``name`` from the ``__name__`` matchers; None when none helps."""
    for m in matchers:
        if m.name == "__name__" and m.op == "=":
            return {"name": m.value}
    regexes = [m for m in matchers if m.name == "__name__" and m.op == "=~"]
    if not regexes:
        return None
    names = Series.objects.order_by().values_list("name", flat=True).distinct()
    return {"name__in": [n for n in names if all(m.matches(n) for m in regexes)]}


def _label_filter(qs, matchers: Sequence[LabelMatcher]):
    """Equality on JSON labels (not ``host``, whose label depends on two columns). The key
    is a transform, never a lookup name: a label called ``contains`` stays a label."""
    for i, m in enumerate(matchers):
        if m.op == "=" and m.value and m.name not in ("__name__", "host"):
            key = Cast(KeyTextTransform(m.name, "labels"), TextField())
            qs = qs.alias(**{f"_label{i}": key})
            qs = qs.filter(**{f"_label{i}": m.value})
    return qs


def matching_series(
    matchers: Sequence[LabelMatcher], limit: int | None = None
) -> dict[int, dict[str, str]]:
    """Series id -> Prometheus labels of every series matching all ``matchers``."""
    qs = Series.objects.order_by()
    name = _name_filter(matchers)
    if name is not None:
        qs = qs.filter(**name)
    qs = _label_filter(qs, matchers)
    out: dict[int, dict[str, str]] = {}
    for sid, *row in qs.values_list(*NAME_COLUMNS).iterator(chunk_size=5_000):
        labels = prom_labels(*row)
        if matches_all(matchers, labels):
            out[sid] = labels
            if limit is not None and len(out) > limit:
                raise TooManySeriesError(f"a selector matched more than {limit} series")
    return out


def points_ms(series_ids: list[int], start_ms: int, end_ms: int) -> dict[int, tuple]:
    """Series id -> (ts ms, values with staleness markers), sorted, one sample per ms."""
    start_us, end_us = start_ms * 1000, end_ms * 1000 + 999
    out = {}
    for i in range(0, len(series_ids), ID_CHUNK):
        ids = series_ids[i : i + ID_CHUNK]
        points = raw_points(series_ids=ids, start_us=start_us, end_us=end_us)
        marks = stale_marks(series_ids=ids, start_us=start_us, end_us=end_us)
        for sid in ids:
            ts, values = points.get(sid, (np.empty(0, np.int64), np.empty(0)))
            if sid in marks:
                stale = np.asarray(marks[sid], dtype=np.int64)
                ts = np.concatenate((ts, stale))
                values = np.concatenate((values, np.full(len(stale), STALE_NAN)))
            out[sid] = normalise(ts // 1000, values)
    return out


class HydraStorage:
    """The engine's storage over ``metrics``; one instance per query is cheap."""

    def __init__(self, max_series: int | None = None) -> None:
        self.max_series = max_series

    def select(
        self, matchers: Sequence[LabelMatcher], start_ms: int, end_ms: int
    ) -> Iterable[SeriesData]:
        labels = matching_series(matchers, self.max_series)
        points = points_ms(list(labels), start_ms, end_ms)
        return [SeriesData(labels[sid], *points[sid]) for sid in labels]
