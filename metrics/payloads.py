"""Shapes of the live messages the metrics app publishes (sent through ``hydra.live``)."""

from __future__ import annotations

from typing import TypedDict


class SeriesPoints(TypedDict):
    """New points of one series from one ingested batch (``series:<id>`` topic)."""

    type: str  # "points"
    series: int
    points: list[list[float]]  # [[epoch seconds, value], ...], oldest first


class HostPoints(TypedDict):
    """Latest values of a host's series touched by one batch (``host:<host>`` topic)."""

    type: str  # "host_points"
    host: str
    series: dict[str, list[float]]  # series id -> [epoch seconds, value]


class Envelope(TypedDict):
    type: str  # the consumer handler: "series.points"
    payload: SeriesPoints | HostPoints
