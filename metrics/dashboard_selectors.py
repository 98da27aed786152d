"""Reads behind the dashboard pages: the host grid, a host's series, ingestion rate.

Each page costs a fixed number of queries whatever the number of hosts (pinned in tests).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q

from metrics.models import Series
from metrics.query.timeseries import Query, bucketed

US = 1_000_000
KEY_METRICS = ("cpu.usage", "memory.used", "http.latency.p95")
STALE_AFTER_S = 300
SPARK_RANGE_US = 3600 * US
SPARK_STEP_US = 120 * US
CARD_FIELDS = ("id", "name", "host", "labels", "last_ts", "last_value", "rollup_from")


@dataclass
class HostCard:
    host: str
    series: int = 0
    last_seen_us: int | None = None
    group: str = ""
    key: list[dict] = field(default_factory=list)  # [{id, name, value, spark: [[ts, v]...]}]

    alert: str = ""  # highest severity of its firing alerts

    @property
    def status(self) -> str:
        if self.alert:
            return self.alert
        if self.last_seen_us is None:
            return "unknown"
        age = time.time() - self.last_seen_us / US
        return "stale" if age > STALE_AFTER_S else "ok"


def host_cards(*, search: str = "", group_by: str = "") -> list[HostCard]:
    """Every host with its key metrics' latest values and last-hour sparklines (3 queries)."""
    qs = Series.objects.exclude(host="")
    if search:
        qs = qs.filter(Q(host__icontains=search) | Q(labels__icontains=search))
    cards: dict[str, HostCard] = {}
    key_rows: list[tuple[int, int | None]] = []
    for sid, name, host, labels, last_ts, last_value, rollup_from in qs.order_by(
        "host", "name", "id"
    ).values_list(*CARD_FIELDS):
        card = cards.get(host) or cards.setdefault(host, HostCard(host=host))
        card.series += 1
        card.last_seen_us = max(card.last_seen_us or 0, last_ts or 0) or None
        if group_by and not card.group:
            card.group = str(labels.get(group_by, ""))
        if name in KEY_METRICS and all(k["name"] != name for k in card.key):
            card.key.append({"id": sid, "name": name, "value": last_value, "spark": []})
            key_rows.append((sid, rollup_from))
    _attach_sparklines(cards, key_rows)
    for host, severity in firing_by_host().items():
        if host in cards:
            cards[host].alert = severity
    return sorted(cards.values(), key=lambda c: (c.group, c.host))


SEVERITY_RANK = {"info": 1, "warning": 2, "critical": 3}


def firing_by_host() -> dict[str, str]:
    """Host -> the highest severity among its firing alerts (one query)."""
    from alerts.models import Alert

    worst: dict[str, str] = {}
    rows = Alert.objects.filter(state=Alert.State.FIRING).values_list(
        "series__host", "rule__severity"
    )
    for host, severity in rows:
        if SEVERITY_RANK.get(severity, 0) > SEVERITY_RANK.get(worst.get(host, ""), 0):
            worst[host] = severity
    return worst


def firing_alerts(limit: int = 10) -> list:
    from alerts.models import Alert

    qs = Alert.objects.filter(state=Alert.State.FIRING).select_related("rule", "series")
    return list(qs.order_by("-since")[:limit])


def recent_anomalies(limit: int = 8) -> list:
    from alerts.models import Anomaly

    return list(
        Anomaly.objects.filter(dismissed=False).select_related("series").order_by("-ts")[:limit]
    )


def _attach_sparklines(cards: dict[str, HostCard], series: list[tuple[int, int | None]]) -> None:
    """Last hour at 2-minute steps (30 points) from the rollups: one query for all."""
    if not series:
        return
    now = int(time.time() * US)
    dirty = [rollup_from for _, rollup_from in series if rollup_from is not None]
    points = bucketed(
        Query(
            series_ids=[sid for sid, _ in series],
            start_us=now - SPARK_RANGE_US,
            end_us=now,
            step_us=SPARK_STEP_US,
            agg="avg",
            dirty_from_us=min(dirty) if dirty else None,
        )
    )
    for card in cards.values():
        for key in card.key:
            key["spark"] = points.get(key["id"], [])


def host_series(host: str) -> list[Series]:
    return list(Series.objects.filter(host=host).order_by("name", "id"))


def ingestion_rate(window_s: int = 60) -> float:
    """Points per second stored over the last ``window_s`` seconds."""
    since = int((time.time() - window_s) * US)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM metrics_point WHERE ts >= %s", [since])
        (count,) = cursor.fetchone()
    return count / window_s


def group_hosts(cards: list[HostCard]) -> list[tuple[str, list[HostCard]]]:
    groups: dict[str, list[HostCard]] = defaultdict(list)
    for card in cards:
        groups[card.group].append(card)
    return sorted(groups.items())


def series_with_forecasts(series_ids: list[int]) -> set[int]:
    """Which of these series have a stored forecast (charts then draw its band)."""
    from forecasting.models import Forecast

    ok = Forecast.objects.filter(series_id__in=series_ids, status=Forecast.Status.OK)
    return set(ok.values_list("series_id", flat=True).distinct())
