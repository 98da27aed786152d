"""A validated batch of points and the errors a request can carry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict

SeriesKey = tuple[str, str, tuple[tuple[str, str], ...]]


class PointError(TypedDict):
    index: int
    field: str
    message: str


class IngestError(Exception):
    """The request is refused as a whole: nothing was written."""

    MAX_LISTED = 100

    def __init__(self, errors: list[PointError], total: int | None = None) -> None:
        super().__init__(errors[0]["message"] if errors else "invalid request")
        self.errors = errors[: self.MAX_LISTED]
        self.total = total if total is not None else len(errors)


class RequestTooLarge(Exception):
    """Over the size or point-count limit (HTTP 413)."""


@dataclass(frozen=True)
class SeriesMeta:
    """What a sender says about a metric: its type (``SeriesType`` value), help and unit."""

    type: str = "unknown"
    help: str = ""
    unit: str = ""


@dataclass
class Batch:
    """Points as parallel lists; ``series_index`` points into ``series``.

    Prometheus-style senders add: staleness markers (``stale_index``/``stale_ts``, like the
    points), hosts derived from the ``instance`` label (``derived_hosts``: series position ->
    host; the key's host stays empty, so the host is not part of the series' identity) and
    metric metadata by metric name (``meta``), stored on the series rows."""

    series: list[SeriesKey] = field(default_factory=list)
    series_index: list[int] = field(default_factory=list)
    ts: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    stale_index: list[int] = field(default_factory=list)
    stale_ts: list[int] = field(default_factory=list)
    derived_hosts: dict[int, str] = field(default_factory=dict)
    meta: dict[str, SeriesMeta] = field(default_factory=dict)
    _positions: dict[SeriesKey, int] = field(default_factory=dict, repr=False)

    def series_position(self, key: SeriesKey) -> int:
        pos = self._positions.get(key)
        if pos is None:
            pos = self._positions[key] = len(self.series)
            self.series.append(key)
        return pos

    def add(self, position: int, ts_us: int, value: float) -> None:
        self.series_index.append(position)
        self.ts.append(ts_us)
        self.values.append(value)

    def extend(self, position: int, ts_us: list[int], values: list[float]) -> None:
        self.series_index.extend([position] * len(ts_us))
        self.ts.extend(ts_us)
        self.values.extend(values)

    def __len__(self) -> int:
        return len(self.ts)

    def is_empty(self) -> bool:
        """Nothing to write: no points, no stale marks, no metadata."""
        return not self.ts and not self.stale_ts and not self.meta
