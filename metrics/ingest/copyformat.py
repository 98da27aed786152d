"""PostgreSQL's binary COPY format for ``(series_id, ts, value)`` rows, built with numpy
(pure: the benchmarks' raw-COPY reference writes exactly what ingestion writes)."""

from __future__ import annotations

import numpy as np

COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
COPY_TRAILER = b"\xff\xff"
ROW = np.dtype(
    [
        ("n", ">i2"),
        ("l1", ">i4"),
        ("sid", ">i8"),
        ("l2", ">i4"),
        ("ts", ">i8"),
        ("l3", ">i4"),
        ("v", ">f8"),
    ]
)


def copy_payload(series_ids: np.ndarray, ts: np.ndarray, values: np.ndarray) -> bytes:
    """One binary COPY stream of these rows (three columns: bigint, bigint, double)."""
    data = np.empty(len(ts), dtype=ROW)
    data["n"], data["l1"], data["l2"], data["l3"] = 3, 8, 8, 8
    data["sid"], data["ts"], data["v"] = series_ids, ts, values
    return COPY_HEADER + data.tobytes() + COPY_TRAILER
