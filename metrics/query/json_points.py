"""The query API's JSON answer, built where the rows are.

PostgreSQL turns each series' buckets into the text of its ``[[ts, value], ...]`` array
(``array_to_json`` of the buckets in order), so 1,000 series × 60 buckets reach Python as 1,000 rows
of ready JSON, spliced into the answer with ``orjson.Fragment``, instead of 60,000 rows
to convert, group and re-encode. Series labels come as JSON text too. Ranges reaching the
compressed chunks are written from numpy arrays (``timeseries.cold_arrays``, no Python
object per bucket; PostgreSQL); other databases and the raw-only aggregations (``last``, ``p95``)
use ``timeseries.bucketed``; the numbers are the same, only the spelling of whole seconds
differs (``1795860000`` vs ``1795860000.0``).
"""

from __future__ import annotations

from typing import Any

import orjson
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast

from metrics.query.timeseries import (
    US,
    VALUE_SQL,
    Query,
    _partial_sql,
    bucketed,
    cold_arrays,
    tier_for,
)
from metrics.selectors import (
    MAX_SERIES_PER_QUERY,
    TooManySeries,
    pending_from,
    series_matching,
)

NUMPY = orjson.OPT_SERIALIZE_NUMPY
# id, name, host, labels JSON, pending_from, type, unit
SeriesRow = tuple[int, str, str, str, int | None, str, str]


def matching_series(**filters) -> list[SeriesRow]:
    """The series a query reads (ordered by host, id), as plain rows."""
    rows = list(
        series_matching(**filters)
        .annotate(pending=pending_from())
        .order_by("host", "id")
        .values_list("id", "name", "host", Cast("labels", TextField()), "pending", "type", "unit")[
            : MAX_SERIES_PER_QUERY + 1
        ]
    )
    if len(rows) > MAX_SERIES_PER_QUERY:
        raise TooManySeries(
            f"the query matches more than {MAX_SERIES_PER_QUERY} series; narrow it down"
        )
    return rows


def series_json(
    *, rows: list[SeriesRow], start_us: int, end_us: int, step_us: int, agg: str
) -> list[dict[str, Any]]:
    """The contract's ``series`` list, ready for ``orjson.dumps``."""
    dirty = [r[4] for r in rows if r[4] is not None]
    query = Query(
        series_ids=[r[0] for r in rows],
        start_us=start_us,
        end_us=end_us,
        step_us=step_us,
        agg=agg,
        dirty_from_us=min(dirty) if dirty else None,
    )
    points = _points(query)
    return [
        {
            "id": sid,
            "name": name,
            "host": host,
            "labels": orjson.Fragment(labels),
            "type": kind,
            "unit": unit,
            "points": points.get(sid, []),
        }
        for sid, name, host, labels, _, kind, unit in rows
    ]


def _points(query: Query) -> dict[int, Any]:
    if not query.series_ids:
        return {}
    if connection.vendor != "postgresql" or query.agg in ("last", "p95", "rate"):
        return dict(bucketed(query))  # raw-only aggregations
    arrays = cold_arrays(query)
    if arrays is not None:  # reaches the compressed chunks: JSON straight from the arrays
        return {sid: orjson.Fragment(orjson.dumps(a, option=NUMPY)) for sid, a in arrays.items()}
    partial, params = _partial_sql(query, tier_for(query))
    # JSON has no NaN or infinities: null, as orjson writes them on every other path
    cast = f"CAST({VALUE_SQL[query.agg]} AS DOUBLE PRECISION)"
    value = f"NULLIF(NULLIF(NULLIF({cast}, 'NaN'), 'Infinity'), '-Infinity')"
    sql = (
        "SELECT series_id, array_to_json(array_agg("
        f"ARRAY[CAST(b AS DOUBLE PRECISION) / {US}, {value}] ORDER BY b))::text "
        f"FROM ({partial}) AS q GROUP BY series_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {sid: orjson.Fragment(text) for sid, text in cursor.fetchall()}
