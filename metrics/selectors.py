"""Reads of the metrics app: series lookups, bucketed points, trends."""

from __future__ import annotations

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, Min, OuterRef, QuerySet, Subquery

from metrics.chunks import store
from metrics.ingest.batch import SeriesKey
from metrics.models import Chunk, Point, RollupPending, Series, StaleMark, series_key
from metrics.query import cold
from metrics.query.timeseries import Query, bucketed

MAX_SERIES_PER_QUERY = 2_000


class TooManySeries(ValueError):
    pass


def pending_from() -> Subquery:
    """The oldest point not yet rolled up, of any series (µs; NULL when none), as an
    expression: annotating series rows with it costs no extra query. Queries read raw
    points from there on."""
    return Subquery(RollupPending.objects.order_by("min_ts").values("min_ts")[:1])


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
    annotated = bool(series) and all(hasattr(s, "pending") for s in series)
    query = Query(
        series_ids=[s.pk for s in series],
        start_us=start_us,
        end_us=end_us,
        step_us=step_us,
        agg=agg,
        dirty_from_us=series[0].pending if annotated else oldest_unrolled(),  # type: ignore[attr-defined]
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
    qs = series_matching(**filters).only("id", "name", "host", "labels")
    qs = qs.annotate(pending=pending_from())
    return list(qs.order_by("host", "id")[: MAX_SERIES_PER_QUERY + 1])


def metric_cardinality(*, near: float = 0.8) -> list[dict]:
    """Metric names whose series count is at or above ``near`` × the per-metric limit."""

    limit = settings.HYDRA_MAX_SERIES_PER_METRIC
    rows = Series.objects.values("name").annotate(n=Count("id")).filter(n__gte=int(limit * near))
    return [{"name": r["name"], "series": r["n"], "limit": limit} for r in rows.order_by("-n")]


def latest_ts_many(*, series_ids: list[int]) -> dict[int, int | None]:
    """Each series' newest point (µs; None without points), one index probe per series."""
    rows = Series.objects.with_latest(value=False).filter(pk__in=series_ids)
    return dict(rows.values_list("pk", "last_ts"))


def series_with_points(*, series_ids: list[int], start_us: int, end_us: int) -> set[int]:
    """The series that have a point in ``[start_us, end_us]`` (one index probe each): what
    the Prometheus API's /series, /labels and /label/…/values mean by a time range. Both
    tiers: a compressed chunk counts when its first..last span meets the range (the chunk
    statistics say so without decompressing; a chunk with a gap over the whole range is
    rare and counts too)."""
    found: set[int] = set()
    for i in range(0, len(series_ids), 5_000):
        inside = Point.objects.filter(series=OuterRef("pk"), ts__gte=start_us, ts__lte=end_us)
        cold = Chunk.objects.filter(
            series=OuterRef("pk"), first_ts__lte=end_us, last_ts__gte=start_us
        )
        chunk = Series.objects.filter(pk__in=series_ids[i : i + 5_000]).filter(
            Exists(inside) | Exists(cold)
        )
        found.update(chunk.values_list("pk", flat=True))
    return found


def latest_ts(*, series_id: int) -> int | None:
    return latest_ts_many(series_ids=[series_id]).get(series_id)


def points_extent(*, series_id: int, start_us: int, end_us: int) -> tuple[int, int, int] | None:
    """(oldest µs, newest µs, count) of the raw points in [start_us, end_us), or None (both
    tiers)."""
    got = raw_points(series_ids=[series_id], start_us=start_us, end_us=end_us - 1)
    if series_id not in got:
        return None
    ts = got[series_id][0]
    return int(ts[0]), int(ts[-1]), len(ts)


def compressed_until(*, series_ids: list[int], start_us: int, end_us: int) -> int:
    """The end of the newest compressed chunk of these series in ``[start_us, end_us)``
    (clamped to it); ``start_us`` when the range holds no chunk: readers that aggregate in
    SQL over the hot table may do so from there on."""
    return cold.horizon(series_ids, start_us, end_us)


def oldest_unrolled() -> int | None:
    return RollupPending.objects.aggregate(m=Min("min_ts"))["m"]


def stale_marks(*, series_ids: list[int], start_us: int, end_us: int) -> dict[int, list[int]]:
    """Prometheus staleness markers of these series in ``[start_us, end_us]``: series id ->
    sorted timestamps (µs). The points never hold them (see ``StaleMark``)."""
    rows = (
        StaleMark.objects.filter(series_id__in=series_ids, ts__gte=start_us, ts__lte=end_us)
        .order_by("series_id", "ts")
        .values_list("series_id", "ts")
    )
    out: dict[int, list[int]] = {}
    for sid, ts in rows:
        out.setdefault(sid, []).append(ts)
    return out


def latest_points_by_key(*, keys: list[SeriesKey]) -> dict[SeriesKey, tuple[int, float]]:
    """The newest point (µs, value) of each series given by its ingestion key, for those
    that exist and have points; one query."""
    wanted = {series_key(key[0], key[1], dict(key[2])): key for key in keys}
    rows = (
        Series.objects.filter(key__in=list(wanted))
        .with_latest()
        .values_list("key", "last_ts", "last_value")
    )
    return {wanted[k.hex]: (ts, value) for k, ts, value in rows if ts is not None}


RawArrays = tuple[np.ndarray, np.ndarray]


def raw_points(*, series_ids: list[int], start_us: int, end_us: int) -> dict[int, RawArrays]:
    """Every raw point of these series in ``[start_us, end_us]``: series id -> (timestamps µs
    as sorted int64, values as float64); series without points are absent. Both tiers: the
    hot table's points and the compressed chunks' (a hot point wins over a chunk's at the
    same timestamp: it was written later). The one read of raw points that readers outside
    the query module use (PromQL, exports, detection, forecasting history)."""
    return store.points(series_ids, start_us, end_us)


def points_before(*, series_ids: dict[int, int]) -> dict[int, tuple[int, float]]:
    """series id -> its last point (ts µs, value) at or before the given µs, in either tier
    (series without one are absent): what a counter's first new rate is computed from. One
    indexed query per series, and one more for the chunk when the hot table has none as
    recent as the series' newest compressed window could hold."""
    out: dict[int, tuple[int, float]] = {}
    sql = "SELECT ts, value FROM metrics_point WHERE series_id = %s AND ts <= %s ORDER BY ts DESC LIMIT 1"
    with connection.cursor() as cursor:
        for sid, before_us in series_ids.items():
            cursor.execute(sql, [sid, before_us])
            row = cursor.fetchone()
            hot = (int(row[0]), float(row[1])) if row is not None else None
            cold = store.last_at_or_before(sid, before_us, after_us=hot[0] if hot else None)
            found = cold if cold is not None and (hot is None or cold[0] > hot[0]) else hot
            if found is not None:
                out[sid] = found
    return out
