"""Shapes of the live messages of the metrics app (sent through ``core.live``)."""

from __future__ import annotations

from typing import TypedDict


class BatchMessage(TypedDict):
    """Channel-layer broadcast for one ingested batch (group ``live.points``); only the
    series and hosts somebody subscribed to. Consumers split it per topic."""

    type: str  # "series.batch": the consumer handler
    series: dict[str, list[list[float]]]  # series id -> [[epoch seconds, value], ...]
    hosts: dict[str, dict[str, list[float]]]  # host -> {series id: [epoch seconds, value]}


class SeriesPoints(TypedDict):
    """To the browser, per subscribed series: its new points, oldest first."""

    type: str  # "points"
    series: int
    points: list[list[float]]


class HostPoints(TypedDict):
    """To the browser, per subscribed host: latest value of each series in the batch."""

    type: str  # "host_points"
    host: str
    series: dict[str, list[float]]
