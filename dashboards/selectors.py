"""Reads behind the dashboard pages: the host grid, a host's series, ingestion rate, and the
saved dashboards a user may see or edit.

Each page costs a fixed number of queries whatever the number of hosts (pinned in tests).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.fields.json import KT

from alerts.models import Alert, Anomaly
from dashboards.models import Dashboard
from forecasting.models import Forecast
from metrics.counters import is_counter
from metrics.models import Series
from metrics.sparklines import Window, sparklines
from metrics.timerange import TimeRange
from scenarios.selectors import overview_runs

US = 1_000_000
KEY_METRICS = ("cpu.usage", "memory.used", "http.latency.p95")
STALE_AFTER_S = 300
CARD_FIELDS = ("id", "name", "host", "type", "last_ts", "last_value")
STATUS_FILTERS = ("", "problem", "alerting", "stale", "ok")


@dataclass
class HostCard:
    host: str
    series: int = 0
    last_seen_us: int | None = None
    group: str = ""
    # [{id, name, value, ts, counter, spark: Spark | None, rate}]: rate, a counter's per second
    key: list[dict] = field(default_factory=list)

    alert: str = ""  # highest severity of its firing alerts

    @property
    def status(self) -> str:
        if self.alert:
            return self.alert
        if self.last_seen_us is None:
            return "unknown"
        age = time.time() - self.last_seen_us / US
        return "stale" if age > STALE_AFTER_S else "ok"

    def matches(self, status: str) -> bool:
        """``status``: "" (all), "problem" (alerting or not reporting), "alerting", "stale",
        "ok"."""
        mine = self.status
        if status == "problem":
            return mine not in ("ok", "info")
        if status == "alerting":
            return bool(self.alert)
        if status == "stale":
            return mine in ("stale", "unknown")
        return not status or mine == status


def host_cards(
    *,
    search: str = "",
    group_by: str = "",
    status: str = "",
    firing: list[dict] | None = None,
) -> list[HostCard]:
    """Every host (matching ``search`` and ``status``) with its key metrics' latest values
    and its status (from ``firing``, see ``firing_alerts``): one query."""
    qs = Series.objects.with_latest().exclude(host="")
    if search:
        qs = qs.filter(Q(host__icontains=search) | Q(labels__icontains=search))
    # the label is read in SQL: decoding 2,000 JSON objects per render costs more
    qs = qs.annotate(group=KT(f"labels__{group_by}") if group_by else Value(""))
    cards: dict[str, HostCard] = {}
    rows = qs.order_by("host", "name", "id").values_list(*CARD_FIELDS, "group")
    for sid, name, host, kind, last_ts, last_value, group in rows:
        card = cards.get(host)
        if card is None:
            card = cards[host] = HostCard(host=host, group=group or "")
        card.series += 1
        if last_ts and last_ts > (card.last_seen_us or 0):
            card.last_seen_us = last_ts
        if group and not card.group:
            card.group = group
        if name in KEY_METRICS and all(k["name"] != name for k in card.key):
            card.key.append(
                {"id": sid, "name": name, "value": last_value, "ts": last_ts, "spark": None}
                | {"counter": is_counter(kind, name), "rate": None}
            )
    for host, severity in worst_by_host(firing or []).items():
        if host in cards:
            cards[host].alert = severity
    shown = [c for c in cards.values() if c.matches(status)]
    return sorted(shown, key=lambda c: (c.group, c.host))


def attach_sparklines(cards: list[HostCard], window: TimeRange) -> Window:
    """Sets ``spark`` on the cards' key metrics, and ``rate`` on the counters' (their lines
    are rates); one query, none when cached; returns the window the sparklines span."""
    keys = [k for c in cards for k in c.key]
    spark_window, sparks = sparklines(
        latest={k["id"]: (k["ts"], k["value"]) for k in keys},
        counters={k["id"] for k in keys if k["counter"]},
        start_us=window.start_us,
        end_us=window.end_us,
        live=window.live,
    )
    for key in keys:
        key["spark"] = sparks.get(key["id"])
        key["rate"] = key["spark"].rate if key["spark"] else None
    return spark_window


SEVERITY_RANK = {"info": 1, "warning": 2, "critical": 3}


FIRING_FIELDS = ("id", "series__host", "series__name", "rule__name", "rule__severity", "value")


def firing_alerts() -> list[dict]:
    """Every firing alert, newest first, as plain rows (one query serves the grid's status
    colours and the firing-alerts panel)."""
    rows = Alert.objects.filter(state=Alert.State.FIRING).order_by("-since", "-id")
    return [
        dict(zip(("id", "host", "metric", "rule", "severity", "value"), row, strict=True))
        for row in rows.values_list(*FIRING_FIELDS)
    ]


def worst_by_host(firing: list[dict]) -> dict[str, str]:
    """Host -> the highest severity among its firing alerts."""
    worst: dict[str, str] = {}
    for alert in firing:
        host, severity = alert["host"], alert["severity"]
        if SEVERITY_RANK.get(severity, 0) > SEVERITY_RANK.get(worst.get(host, ""), 0):
            worst[host] = severity
    return worst


def host_alerts(host: str, limit: int = 20) -> list:
    """The host's alerts, firing then pending then the rest, newest first (one query)."""
    rank = Case(
        When(state=Alert.State.FIRING, then=0), When(state=Alert.State.PENDING, then=1), default=2
    )
    qs = Alert.objects.filter(series__host=host).select_related("rule", "series", "acknowledged_by")
    return list(qs.order_by(rank, "-since", "-id")[:limit])


def recent_anomalies(limit: int = 8) -> list:
    return list(
        Anomaly.objects.filter(dismissed=False).select_related("series").order_by("-ts")[:limit]
    )


def host_names(limit: int = 2000) -> list[str]:
    """Every host name, sorted (choices for a dashboard's ``$host``)."""
    qs = Series.objects.exclude(host="").values_list("host", flat=True).distinct()
    return list(qs.order_by("host")[:limit])


def host_series(host: str) -> list[Series]:
    return list(Series.objects.filter(host=host).order_by("name", "id"))


def ingestion_rate(window_s: int = 60, cache_s: int = 10) -> float:
    """Points per second stored over the last ``window_s`` seconds (cached ``cache_s``: a
    count over a minute of points costs tens of ms at thousands of points per second)."""
    rate = cache.get("overview:ingest-rate")
    if rate is None:
        since = int((time.time() - window_s) * US)
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM metrics_point WHERE ts >= %s", [since])
            (count,) = cursor.fetchone()
        rate = count / window_s
        cache.set("overview:ingest-rate", rate, cache_s)
    return rate


STATUS_ORDER = ("critical", "warning", "info", "stale", "unknown", "ok")


@dataclass
class HostGroup:
    name: str
    cards: list[HostCard]

    @property
    def worst(self) -> str:
        statuses = {c.status for c in self.cards}
        return next((s for s in STATUS_ORDER if s in statuses), "ok")

    @property
    def problems(self) -> int:
        return sum(c.status not in ("ok", "info") for c in self.cards)


def group_hosts(cards: list[HostCard]) -> list[HostGroup]:
    groups: dict[str, list[HostCard]] = defaultdict(list)
    for card in cards:
        groups[card.group].append(card)
    return [HostGroup(name, members) for name, members in sorted(groups.items())]


def running_load_tests() -> list[dict]:
    """The overview's "running load tests" panel: rows with ``name``, ``url``, ``started``
    and ``progress`` (0–1), shown by ``partials/_running_tests.html`` (one query)."""
    return overview_runs()


def series_with_forecasts(series_ids: list[int]) -> set[int]:
    """Which of these series have a stored forecast (charts then draw its band)."""
    ok = Forecast.objects.filter(series_id__in=series_ids, status=Forecast.Status.OK)
    return set(ok.values_list("series_id", flat=True).distinct())


def dashboards_visible(*, user: User) -> QuerySet[Dashboard]:
    return Dashboard.objects.filter(Q(owner=user) | Q(shared=True)).select_related("owner")


def can_edit(dashboard: Dashboard, user: User) -> bool:
    """Its owner may edit a dashboard if their role lets them edit dashboards (an editor's);
    an admin (``change_any_dashboard``) may edit anyone's they can see. Private dashboards
    are seen by their owner only (``dashboards_visible``), admins included."""
    if not user.has_perm("dashboards.change_dashboard"):
        return False
    return dashboard.owner_id == user.pk or user.has_perm("dashboards.change_any_dashboard")
