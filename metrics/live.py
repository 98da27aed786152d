"""Coalesced live publishing of ingested points.

One ingested batch becomes ONE broadcast message (group ``live.points``) that carries,
for the series and hosts somebody is subscribed to, the new points; each consumer picks
out its own topics and sends the browser the usual ``points`` / ``host_points``
messages. So a 1,000-series batch costs one channel-layer send, not 1,000. Which topics
have subscribers is kept in the cache (one lookup per batch; none when nobody watches).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from django.core.cache import cache

from core.live import publish
from core.outage import REDIS_ERRORS, redis_failed
from metrics.ingest.writer import Written
from metrics.payloads import BatchMessage

MAX_POINTS_PER_SERIES = 1_000
PRESENCE_TTL_S = 24 * 3600
BROADCAST_TOPIC = "live:points"  # core.live maps it to the group "live.points"
ANY_KEY = "live:active"  # set while any page has a live subscription


def presence_key(topic: str) -> str:
    return f"live:sub:{topic}"


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
    """After commit, one broadcast with the batch's points for subscribed series/hosts.
    Redis down: skipped and counted (the points are stored all the same)."""
    try:
        _publish_points(rows, hosts)
    except REDIS_ERRORS as exc:
        redis_failed("live_publish", exc)


def _publish_points(rows: Written, hosts: dict[int, str]) -> None:
    if not cache.get(ANY_KEY):
        return  # nobody is watching anything: one lookup, not one per series
    starts = np.flatnonzero(np.r_[True, rows.series_ids[1:] != rows.series_ids[:-1]])
    ends = np.r_[starts[1:], len(rows)]
    ids = rows.series_ids[starts].tolist()
    host_names = {h for h in hosts.values() if h}
    live = _subscribed([f"series:{i}" for i in ids] + [f"host:{h}" for h in host_names])
    if not live:
        return
    message = BatchMessage(
        type="series.batch",
        series=_series_points(rows, ids, starts, ends, live),
        hosts=_host_latest(rows, ids, ends, hosts, live),
    )
    publish([(BROADCAST_TOPIC, message)])


def _series_points(rows, ids, starts, ends, live) -> dict[str, list[list[float]]]:
    out = {}
    for sid, start, end in zip(ids, starts, ends, strict=True):
        if f"series:{sid}" in live:
            start = max(start, end - MAX_POINTS_PER_SERIES)
            out[str(sid)] = np.column_stack(
                (rows.ts[start:end] / 1e6, rows.values[start:end])
            ).tolist()
    return out


def _host_latest(rows, ids, ends, hosts, live) -> dict[str, dict[str, list[float]]]:
    latest: dict[str, dict[str, list[float]]] = {}
    for sid, end in zip(ids, ends, strict=True):
        host = hosts.get(sid, "")
        if host and f"host:{host}" in live:
            latest.setdefault(host, {})[str(sid)] = [
                float(rows.ts[end - 1]) / 1e6,
                float(rows.values[end - 1]),
            ]
    return latest
