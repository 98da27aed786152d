"""Raw points on PostgreSQL packed by the server: one row per series holding its
timestamps and values as big-endian 8-byte arrays (``int8send``/``float8send`` joined by
``string_agg``), unpacked by numpy. No Python object per point, so a PromQL query over
hundreds of thousands of points reads them many times faster than ``fetchall``."""

from __future__ import annotations

import numpy as np

# The aggregates read the rows in the primary key's order (an index scan of the sorted
# subquery; an ORDER BY inside the aggregates would sort every group again: ~2× slower).
# PostgreSQL keeps that order in practice, not by contract: ``_sorted`` checks it.
QUERY = (
    "SELECT series_id, string_agg(int8send(ts), ''::bytea), string_agg(float8send(value), "
    "''::bytea) FROM (SELECT series_id, ts, value FROM metrics_point WHERE series_id = ANY(%s) "
    "AND ts >= %s AND ts <= %s ORDER BY series_id, ts) p GROUP BY series_id"
)


def packed_points(
    cursor, series_ids: list[int], start_us: int, end_us: int
) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Series id -> (ts µs int64 sorted, values float64), for series with points."""
    cursor.execute(QUERY, [list(series_ids), start_us, end_us])
    return {
        int(sid): _sorted(
            np.frombuffer(bytes(ts), dtype=">i8").astype(np.int64),
            np.frombuffer(bytes(values), dtype=">f8").astype(np.float64),
        )
        for sid, ts, values in cursor.fetchall()
    }


def _sorted(ts: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(ts) > 1 and not bool((ts[1:] > ts[:-1]).all()):
        order = np.argsort(ts, kind="stable")
        return ts[order], values[order]
    return ts, values
