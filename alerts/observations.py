"""What each rule sees on each of its series at one evaluation: one number, or None.

Reads are batched: the rules sharing a metric, condition, aggregation and window share
one query over the union of their series (500 rules over 10,000 series is a few dozen
queries, not thousands).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from alerts.models import AlertRule
from alerts.promql_rules import observe_promql
from alerts.selectors import (
    latest_forecasts,
    max_anomaly_scores,
    rule_series,
    selector_key,
    series_of_metrics,
    window_aggregate,
)
from metrics.models import Series
from metrics.selectors import latest_ts_many
from metrics.services import series_ensure

US = 1_000_000
NEVER_REPORTED = "No data ever received"
Observations = dict[int, dict[int, float | None]]  # rule id -> series id -> value


def observe(
    rules: list[AlertRule], now_us: int
) -> tuple[Observations, dict[int, Series], dict[int, Exception]]:
    """Values per rule and series, the series involved (by id), and each failed rule's error."""
    promql = [r for r in rules if r.condition == AlertRule.Condition.PROMQL]
    out, by_id, failed = observe_promql(promql, now_us)
    rest = _observe([r for r in rules if r.condition != AlertRule.Condition.PROMQL], now_us)
    return {**out, **rest[0]}, {**by_id, **rest[1]}, {**failed, **rest[2]}


def _observe(
    rules: list[AlertRule], now_us: int
) -> tuple[Observations, dict[int, Series], dict[int, Exception]]:
    candidates = series_of_metrics({r.metric for r in rules})
    selected, failed, memo = {}, {}, {}
    for rule in rules:
        try:
            key = selector_key(rule)
            if key not in memo:  # rules often share a selector (warning and critical)
                memo[key] = rule_series(rule, candidates.get(rule.metric, []))
            selected[rule.pk] = memo[key]
        except Exception as exc:  # e.g. a regex saved around validation
            failed[rule.pk] = exc
    _select_absent(rules, selected, failed, now_us)
    by_id = {s.pk: s for group in selected.values() for s in group}
    out: Observations = {}
    for group in _groups([r for r in rules if r.pk in selected]).values():
        try:
            values = _read(group, selected, by_id, now_us)
        except Exception as exc:
            failed.update({r.pk: exc for r in group})
            continue
        for rule in group:
            row = {s.pk: values.get(s.pk) for s in selected[rule.pk]}
            out[rule.pk] = _reported_only(row, values)
    return out, by_id, failed


def _select_absent(rules: list[AlertRule], selected: dict, failed: dict, now_us: int) -> None:
    """An absence rule that has selected no series at all for its absence time watches a
    series made for the purpose (its metric, literal host and ``=`` labels, like
    Prometheus's ``absent()``): a metric that never reported (a typo, an exporter never
    deployed) fires too."""
    for rule in rules:
        if rule.condition != AlertRule.Condition.ABSENCE or selected.get(rule.pk) != []:
            continue
        if rule.created_at and now_us / US - rule.created_at.timestamp() < rule.params.threshold:
            continue  # give a new rule's metric its absence time to report first
        try:
            selected[rule.pk] = [absent_series(rule)]
        except Exception as exc:
            failed[rule.pk] = exc


def absent_series(rule: AlertRule) -> Series:
    """The series standing for the rule's metric while it has none; it counts as silent
    since the rule was made."""
    literal = not rule.host_regex and not any(c in rule.host_pattern for c in "*?[")
    labels = {m["label"]: m["value"] for m in rule.label_matchers if m.get("op", "=") == "="}
    labels.pop("host", None)
    series = series_ensure(
        name=rule.metric,
        host=rule.host_pattern if literal else "",
        labels=labels,
        help_text=f"{NEVER_REPORTED} (made for the absence rule {rule.name!r})",
    )
    if rule.created_at and rule.created_at < series.created_at:
        Series.objects.filter(pk=series.pk).update(created_at=rule.created_at)
        series.created_at = rule.created_at
    return series


def _reported_only(row: dict[int, float | None], values) -> dict[int, float | None]:
    """Once a series of an absence rule has reported, series that never did (made by
    ``absent_series``) drop out: their alert resolves."""
    never: set[int] = getattr(values, "never", set())
    if not never or all(sid in never for sid in row):
        return row
    return {sid: v for sid, v in row.items() if sid not in never}


def _read(group: list[AlertRule], selected, by_id, now_us: int) -> dict[int, float]:
    ids = sorted({s.pk for r in group for s in selected[r.pk]})
    return READERS[group[0].condition](group[0], ids, by_id, now_us)


def _groups(rules: list[AlertRule]) -> dict[tuple, list[AlertRule]]:
    groups: dict[tuple, list[AlertRule]] = defaultdict(list)
    for rule in rules:
        key: tuple = (rule.condition, rule.metric, rule.window_seconds, rule.agg)
        if rule.condition == AlertRule.Condition.FORECAST:
            key += (rule.pk,)  # the value depends on the rule's op and horizon
        groups[key].append(rule)
    return groups


def _threshold(rule: AlertRule, ids: list[int], by_id, now_us: int) -> dict[int, float]:
    start = now_us - rule.window_seconds * US
    return window_aggregate(series_ids=ids, agg=rule.agg, start_us=start, end_us=now_us + 1)


def _rate(rule: AlertRule, ids: list[int], by_id, now_us: int) -> dict[int, float]:
    start = now_us - rule.window_seconds * US
    return window_aggregate(series_ids=ids, agg="rate", start_us=start, end_us=now_us + 1)


class Absences(dict):
    """Seconds without data per series; ``never``: the series that never had a point."""

    never: set[int]


def _absence(rule: AlertRule, ids: list[int], by_id, now_us: int) -> dict[int, float]:
    """Seconds since the series' last point (since it was made if it never had one)."""
    latest = latest_ts_many(series_ids=ids)  # only this rule kind needs it: not every cycle
    out = Absences()
    out.never = {sid for sid in ids if latest.get(sid) is None}
    for sid in ids:
        last = latest.get(sid)
        if last is None:
            out[sid] = max(now_us / US - by_id[sid].created_at.timestamp(), 0.0)
        else:
            out[sid] = (now_us - last) / US
    return out


def _anomaly(rule: AlertRule, ids: list[int], by_id, now_us: int) -> dict[int, float]:
    start = now_us - rule.window_seconds * US
    scores = max_anomaly_scores(series_ids=ids, start_us=start)
    return {sid: scores.get(sid, 0.0) for sid in ids}


def _forecast(rule: AlertRule, ids: list[int], by_id, now_us: int) -> dict[int, float]:
    """The forecast bound on the bad side within the horizon; no forecast → no data."""
    out = {}
    now_s = now_us / US
    for sid, points in latest_forecasts(series_ids=ids).items():
        ahead = [p for p in points if now_s <= p[0] <= now_s + rule.horizon_seconds]
        if ahead:
            out[sid] = forecast_value(rule.op, ahead)
    return out


def forecast_value(op: str, points: list[tuple[float, float, float, float]]) -> float:
    if op in (">", ">="):
        return max(p[3] for p in points)
    if op in ("<", "<="):
        return min(p[2] for p in points)
    return points[-1][1]


READERS: dict[str, Callable[..., dict[int, float]]] = {
    "threshold": _threshold,
    "rate": _rate,
    "absence": _absence,
    "anomaly": _anomaly,
    "forecast": _forecast,
}
