"""Coalesced live publishing of ingested points: one message per series per batch and
one per host, only for topics someone is subscribed to (one cache lookup per batch)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from django.core.cache import cache

from hydra.live import publish
from metrics.ingest.writer import Written
from metrics.payloads import Envelope, HostPoints, SeriesPoints

MAX_POINTS_PER_MESSAGE = 1_000
PRESENCE_TTL_S = 24 * 3600


def presence_key(topic: str) -> str:
    return f"live:sub:{topic}"


ANY_KEY = "live:active"  # set while any page has a live subscription


def _presence(topics: Iterable[str]) -> dict[str, int]:
    return {ANY_KEY: 1, **{presence_key(t): 1 for t in topics}}


def mark_subscribed(topics: Iterable[str]) -> None:
    """Called by the consumer: publishers skip topics nobody listens to."""
    cache.set_many(_presence(topics), timeout=PRESENCE_TTL_S)


async def amark_subscribed(topics: Iterable[str]) -> None:
    await cache.aset_many(_presence(topics), timeout=PRESENCE_TTL_S)


def _subscribed(topics: list[str]) -> set[str]:
    found = cache.get_many([presence_key(t) for t in topics])
    return {t for t in topics if presence_key(t) in found}


def publish_points(rows: Written, hosts: dict[int, str]) -> None:
    """After commit, push the batch to ``series:<id>`` and ``host:<host>`` subscribers."""
    if not cache.get(ANY_KEY):
        return  # nobody is watching anything: one lookup, not one per series
    starts = np.flatnonzero(np.r_[True, rows.series_ids[1:] != rows.series_ids[:-1]])
    ends = np.r_[starts[1:], len(rows)]
    ids = rows.series_ids[starts].tolist()
    topics = [f"series:{i}" for i in ids] + [f"host:{h}" for h in set(hosts.values()) if h]
    live = _subscribed(topics)
    if not live:
        return
    messages = _series_messages(rows, ids, starts, ends, live)
    messages += _host_messages(rows, ids, ends, hosts, live)
    publish(messages)


def _series_messages(rows, ids, starts, ends, live) -> list[tuple[str, Envelope]]:
    out = []
    for sid, start, end in zip(ids, starts, ends, strict=True):
        topic = f"series:{sid}"
        if topic not in live:
            continue
        start = max(start, end - MAX_POINTS_PER_MESSAGE)
        points = np.column_stack((rows.ts[start:end] / 1e6, rows.values[start:end])).tolist()
        payload = SeriesPoints(type="points", series=sid, points=points)
        out.append((topic, Envelope(type="series.points", payload=payload)))
    return out


def _host_messages(rows, ids, ends, hosts, live) -> list[tuple[str, Envelope]]:
    latest: dict[str, dict[str, list[float]]] = {}
    for sid, end in zip(ids, ends, strict=True):
        host = hosts.get(sid, "")
        if host and f"host:{host}" in live:
            latest.setdefault(host, {})[str(sid)] = [rows.ts[end - 1] / 1e6, rows.values[end - 1]]
    return [
        (
            f"host:{h}",
            Envelope(
                type="series.points", payload=HostPoints(type="host_points", host=h, series=s)
            ),
        )
        for h, s in latest.items()
    ]
