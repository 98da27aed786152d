"""Delta sums and histograms made cumulative, per series: each delta point adds to the
series' newest stored value (0 for a new series), in time order.

The stored points are the state, so any web process can take the next request and a
restart loses nothing. A point at or before the series' newest stored point is skipped:
it was counted already (the exporter re-sent a request whose answer it lost) or came out of
order. NaN deltas are skipped (they would poison every later total). Two exporters sending
deltas for the same series at the same time could each miss the other's last point: the
SDK sends one series from one process, in order.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from metrics.selectors import latest_points_by_key

if TYPE_CHECKING:
    from prom.otlp.mapping import Mapped


def accumulate(mapped: Mapped) -> None:
    """Add ``mapped.deltas`` to its batch as cumulative points."""
    if not mapped.deltas:
        return
    batch = mapped.batch
    latest = latest_points_by_key(keys=[batch.series[p] for p in mapped.deltas])
    for position, points in mapped.deltas.items():
        last_ts, total = latest.get(batch.series[position], (-1, 0.0))
        for ts, value in sorted(points):
            if ts <= last_ts or math.isnan(value):
                continue
            total += value
            batch.add(position, ts, total)
            last_ts = ts
