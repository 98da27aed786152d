"""Reads of the alerts app: matching series, window values, alert lists, forecasts."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

import numpy as np
from django.db import connection
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery

from alerts.matchers import host_predicate, matches
from alerts.models import Alert, AlertRule, Anomaly, Silence
from alerts.sensitivity import DEFAULT, Sensitivity
from forecasting.models import Forecast
from metrics.chunks.codec import stats
from metrics.models import Series
from metrics.selectors import compressed_until, raw_points

US = 1_000_000
SERIES_FIELDS = ("id", "name", "host", "labels", "help", "created_at")


def series_of_metrics(names: Iterable[str]) -> dict[str, list[Series]]:
    """Every series of the given metric names, in one query."""
    out: dict[str, list[Series]] = defaultdict(list)
    for s in Series.objects.filter(name__in=set(names)).only(*SERIES_FIELDS).order_by("id"):
        out[s.name].append(s)
    return out


def rule_series(rule: AlertRule, candidates: list[Series]) -> list[Series]:
    """The candidates (series of the rule's metric) that its host pattern and labels select."""
    host_ok, matchers = host_predicate(rule.host_pattern, rule.host_regex), rule.label_matchers
    if not matchers:
        return [s for s in candidates if host_ok(s.host)]
    return [
        s for s in candidates if host_ok(s.host) and matches(matchers, {**s.labels, "host": s.host})
    ]


def selector_key(rule: AlertRule) -> str:
    """Rules with equal keys select the same series."""
    return json.dumps(
        [rule.metric, rule.host_pattern, rule.host_regex, rule.label_matchers], sort_keys=True
    )


def series_for_rule(rule: AlertRule) -> list[Series]:
    return rule_series(rule, series_of_metrics([rule.metric])[rule.metric])


def _ids(ids: Iterable[int]) -> str:
    return ",".join(str(int(i)) for i in ids)


def window_aggregate(
    *, series_ids: list[int], agg: str, start_us: int, end_us: int
) -> dict[int, float]:
    """series id -> agg of its points in [start, end); series without points are absent."""
    if not series_ids:
        return {}
    if agg in ("last", "p95", "rate"):
        return _window_from_raw(series_ids, agg, start_us, end_us)
    if compressed_until(series_ids=series_ids, start_us=start_us, end_us=end_us) > start_us:
        return _window_from_points(series_ids, agg, start_us, end_us)
    fn = {"avg": "AVG", "min": "MIN", "max": "MAX", "sum": "SUM", "count": "COUNT"}[agg]
    sql = (
        f"SELECT series_id, {fn}(value) FROM metrics_point WHERE series_id IN ({_ids(series_ids)}) "
        "AND ts >= %s AND ts < %s GROUP BY series_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [start_us, end_us])
        return {int(sid): float(v) for sid, v in cursor.fetchall()}


def _window_from_raw(
    series_ids: list[int], agg: str, start_us: int, end_us: int
) -> dict[int, float]:
    points = raw_points(series_ids=series_ids, start_us=start_us, end_us=end_us - 1)
    return {sid: reduce_window(agg, ts, values) for sid, (ts, values) in points.items()}


def _window_from_points(
    series_ids: list[int], agg: str, start_us: int, end_us: int
) -> dict[int, float]:
    """avg/min/max/sum/count over both tiers (a window reaching compressed chunks), with
    PostgreSQL's NaN rules (``metrics.chunks.codec.stats``)."""
    out = {}
    for sid, (_, values) in raw_points(
        series_ids=series_ids, start_us=start_us, end_us=end_us - 1
    ).items():
        low, high, total = stats(values)
        out[sid] = {
            "avg": total / len(values),
            "min": low,
            "max": high,
            "sum": total,
            "count": float(len(values)),
        }[agg]
    return out


def reduce_window(agg: str, ts: np.ndarray, values: np.ndarray) -> float:
    """``last``, ``p95`` or ``rate`` (change per second, last minus first point)."""
    if agg == "last":
        return float(values[-1])
    if agg == "p95":
        return float(np.percentile(values, 95))
    span = (ts[-1] - ts[0]) / US
    return float((values[-1] - values[0]) / span) if span > 0 else float("nan")


def dismissed_counts(*, series_ids: list[int]) -> dict[int, int]:
    """series id -> how many of its anomalies were marked "not an anomaly"."""
    rows = Anomaly.objects.filter(series_id__in=series_ids, dismissed=True).values("series_id")
    return {r["series_id"]: r["n"] for r in rows.annotate(n=Count("id"))}


def series_sensitivities(*, series: list[Series]) -> dict[int, Sensitivity]:
    """series id -> its base sensitivity (the highest of the enabled anomaly rules selecting
    it, else the default) and its dismissed anomalies. Two queries."""
    if not series:
        return {}
    rules = AlertRule.objects.filter(
        enabled=True, condition=AlertRule.Condition.ANOMALY, metric__in={s.name for s in series}
    )
    base: dict[int, float] = {}
    for rule in rules:
        for s in rule_series(rule, [s for s in series if s.name == rule.metric]):
            base[s.pk] = max(base.get(s.pk, 0.0), rule.sensitivity)
    counts = dismissed_counts(series_ids=[s.pk for s in series])
    return {s.pk: Sensitivity(base.get(s.pk, DEFAULT), counts.get(s.pk, 0)) for s in series}


def anomalies_list(
    *, series_id: int | None = None, dismissed: bool | None = None
) -> QuerySet[Anomaly]:
    """Anomalies, newest first, with their series (and who dismissed them)."""
    qs = Anomaly.objects.select_related("series", "dismissed_by").order_by("-ts", "-id")
    if series_id is not None:
        qs = qs.filter(series_id=series_id)
    if dismissed is not None:
        qs = qs.filter(dismissed=dismissed)
    return qs


def max_anomaly_scores(*, series_ids: list[int], start_us: int) -> dict[int, float]:
    """series id -> highest score of its (not dismissed) anomalies since ``start_us``."""
    rows = (
        Anomaly.objects.filter(series_id__in=series_ids, ts__gte=start_us, dismissed=False)
        .values("series_id")
        .annotate(top=Max("score"))
    )
    return {r["series_id"]: r["top"] for r in rows}


def latest_forecasts(
    *, series_ids: list[int]
) -> dict[int, list[tuple[float, float, float, float]]]:
    """series id -> its newest successful forecast as ``[(epoch s, yhat, lower, upper), ...]``
    (series without one are absent). Two queries, whatever the number of series."""
    ok = Forecast.objects.filter(series=OuterRef("series"), status=Forecast.Status.OK)
    newest = ok.order_by("-created_at", "-id").values("pk")[:1]
    rows = Forecast.objects.filter(series_id__in=series_ids, pk=Subquery(newest))
    return {f.series_id: f.point_rows() for f in rows.prefetch_related("points")}


def forecasts_made_between(
    *, series_ids: list[int], start: datetime, end: datetime
) -> dict[int, list[tuple[float, list[tuple[float, float, float, float]]]]]:
    """series id -> ``[(made at, epoch s), point rows]`` of its successful forecasts made in
    [start, end) plus the last one before ``start``, oldest first (what a forecast-breach
    rule would have read at each moment). Three queries."""
    ok = Forecast.objects.filter(series_id__in=series_ids, status=Forecast.Status.OK)
    before = ok.filter(series=OuterRef("series"), created_at__lt=start).order_by("-created_at")
    rows = ok.filter(
        Q(created_at__gte=start, created_at__lt=end) | Q(pk=Subquery(before.values("pk")[:1]))
    )
    out: dict[int, list] = {}
    for f in rows.order_by("created_at", "id").prefetch_related("points"):
        out.setdefault(f.series_id, []).append((f.created_at.timestamp(), f.point_rows()))
    return out


def alerts_list(*, state: str = "all") -> QuerySet[Alert]:
    """``state``: pending, firing, resolved, acknowledged (the flag) or all."""
    qs = Alert.objects.select_related("rule", "series", "acknowledged_by")
    if state == "acknowledged":
        return qs.filter(acknowledged_at__isnull=False)
    if state in Alert.State.values:
        return qs.filter(state=state)
    return qs


def active_silences(now) -> list[Silence]:
    return [
        s for s in Silence.objects.filter(starts_at__lte=now, ends_at__gt=now) if s.active_at(now)
    ]


def alert_labels(rule: AlertRule, series: Series, load_test=None) -> dict[str, str]:
    """An alert's labels (what silences, routes and inhibition rules match): the series
    labels, host, metric, ``alertname`` and ``rule`` (the rule's name), the rule's labels,
    ``severity``, and ``load_test`` (the run's id) while a load test runs. Empty values
    are left out (an empty label is an absent one, as in Alertmanager)."""
    labels = {
        **{str(k): str(v) for k, v in series.labels.items()},
        "host": series.host,
        "metric": series.name,
        "alertname": rule.name,
        "rule": rule.name,
        **(rule.labels if isinstance(rule.labels, dict) else {}),
        "severity": rule.severity,
    }
    if load_test is not None:
        labels["load_test"] = str(load_test.pk)
    return {k: v for k, v in labels.items() if v != ""}


def silenced(labels: dict[str, str], silences: list[Silence]) -> bool:
    return any(matches(s.matchers, labels) for s in silences)
