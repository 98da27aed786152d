"""What each rule sees on each of its series at one evaluation: one number, or None.

Reads are batched: the rules sharing a metric, condition, aggregation and window share
one query over the union of their series (500 rules over 10,000 series is a few dozen
queries, not thousands).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from alerts.models import AlertRule
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

US = 1_000_000
Observations = dict[int, dict[int, float | None]]  # rule id -> series id -> value


def observe(
    rules: list[AlertRule], now_us: int
) -> tuple[Observations, dict[int, Series], dict[int, Exception]]:
    """Values per rule and series, the series involved (by id), and each failed rule's error."""
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
    by_id = {s.pk: s for group in selected.values() for s in group}
    out: Observations = {}
    for group in _groups([r for r in rules if r.pk in selected]).values():
        try:
            values = _read(group, selected, by_id, now_us)
        except Exception as exc:
            failed.update({r.pk: exc for r in group})
            continue
        for rule in group:
            out[rule.pk] = {s.pk: values.get(s.pk) for s in selected[rule.pk]}
    return out, by_id, failed


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


def _absence(rule: AlertRule, ids: list[int], by_id, now_us: int) -> dict[int, float]:
    """Seconds since the series' last point (its whole life if it never had one)."""
    latest = latest_ts_many(series_ids=ids)  # only this rule kind needs it: not every cycle
    out = {}
    for sid in ids:
        last = latest.get(sid)
        out[sid] = (now_us - last) / US if last is not None else float("inf")
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
