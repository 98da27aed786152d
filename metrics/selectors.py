"""Reads of the metrics app: series lookups, bucketed points, trends."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Min, QuerySet

from metrics.models import Series
from metrics.query.timeseries import Query, bucketed

MAX_SERIES_PER_QUERY = 2_000


class TooManySeries(ValueError):
    pass


def series_matching(
    *,
    name: str | None = None,
    host: str | None = None,
    labels: dict[str, str] | None = None,
    ids: list[int] | None = None,
) -> QuerySet[Series]:
    qs = Series.objects.all()
    if ids:
        qs = qs.filter(pk__in=ids)
    if name:
        qs = qs.filter(name=name)
    if host:
        qs = qs.filter(host=host)
    for key, value in (labels or {}).items():
        qs = qs.filter(**{f"labels__{key}": value})
    return qs


def points_query(
    *, series: list[Series], start_us: int, end_us: int, step_us: int, agg: str
) -> list[dict]:
    """The contract's ``series`` list: id, name, host, labels, points [[ts, value], ...]."""
    if len(series) > MAX_SERIES_PER_QUERY:
        raise TooManySeries(
            f"the query matches {len(series)} series; at most {MAX_SERIES_PER_QUERY}"
        )
    dirty = [s.rollup_from for s in series if s.rollup_from is not None]
    query = Query(
        series_ids=[s.pk for s in series],
        start_us=start_us,
        end_us=end_us,
        step_us=step_us,
        agg=agg,
        dirty_from_us=min(dirty) if dirty else None,
    )
    points = bucketed(query)
    return [
        {
            "id": s.pk,
            "name": s.name,
            "host": s.host,
            "labels": s.labels,
            "points": points.get(s.pk, []),
        }
        for s in series
    ]


def series_for_query(**filters) -> list[Series]:
    qs = series_matching(**filters).only("id", "name", "host", "labels", "rollup_from")
    return list(qs.order_by("host", "id")[: MAX_SERIES_PER_QUERY + 1])


def metric_cardinality(*, near: float = 0.8) -> list[dict]:
    """Metric names whose series count is at or above ``near`` × the per-metric limit."""
    from django.db.models import Count

    limit = settings.HYDRA_MAX_SERIES_PER_METRIC
    rows = Series.objects.values("name").annotate(n=Count("id")).filter(n__gte=int(limit * near))
    return [{"name": r["name"], "series": r["n"], "limit": limit} for r in rows.order_by("-n")]


def oldest_unrolled() -> int | None:
    return Series.objects.aggregate(m=Min("rollup_from"))["m"]
