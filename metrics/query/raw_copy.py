"""Raw points as numpy columns by PostgreSQL's binary COPY: no Python object per row, so a
PromQL query over hundreds of thousands of points reads them ~10× faster than fetchall."""

from __future__ import annotations

import numpy as np

HEADER = 19  # "PGCOPY\n\377\r\n\0", flags (4 bytes), header extension length (4 bytes)
# one row: field count (int16), then per field its length (int32) and value: the three
# columns are fixed-width (bigint, bigint, double precision) and never NULL
ROW = np.dtype(
    [("n", ">i2"), ("l1", ">i4"), ("sid", ">i8"), ("l2", ">i4"), ("ts", ">i8"),
     ("l3", ">i4"), ("value", ">f8")]
)  # fmt: skip


def copy_columns(
    cursor, series_ids: list[int], start_us: int, end_us: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(series ids, ts µs, values) ordered by series and time; ``cursor``: psycopg 3's."""
    query = (
        "COPY (SELECT series_id, ts, value FROM metrics_point WHERE series_id = ANY(%s) "
        "AND ts >= %s AND ts <= %s ORDER BY series_id, ts) TO STDOUT (FORMAT BINARY)"
    )
    with cursor.copy(query, [list(series_ids), start_us, end_us]) as copy:
        data = b"".join(bytes(chunk) for chunk in copy)
    extension = int.from_bytes(data[15:19], "big")
    rows = np.frombuffer(
        data,
        dtype=ROW,
        offset=HEADER + extension,
        count=(len(data) - HEADER - extension - 2) // ROW.itemsize,
    )
    return (
        rows["sid"].astype(np.int64),
        rows["ts"].astype(np.int64),
        rows["value"].astype(np.float64),
    )
