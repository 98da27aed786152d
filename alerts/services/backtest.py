"""Backtest: replay a rule's state machine over the last days of stored, bucketed data.

The same ``lifecycle.step`` as live evaluation, fed one value per step (bucketed reads
through ``metrics.selectors.points_query``, rollups included), so "how often would this
rule have fired last week" costs one query, not a replay at 15 s resolution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone

from alerts import lifecycle
from alerts.models import AlertRule, Anomaly
from alerts.observations import forecast_value
from alerts.promql_rules import promql_timelines
from alerts.selectors import forecasts_made_between, series_for_rule
from metrics.models import Series
from metrics.selectors import points_query

US = 1_000_000
MAX_SERIES = 200


@dataclass
class Backtest:
    series: int = 0
    step_s: int = 60
    days: int = 7
    fired: list[tuple[str, datetime]] = field(default_factory=list)  # (series, time), in order
    note: str = ""

    @property
    def count(self) -> int:
        return len(self.fired)


def backtest_step(rule: AlertRule) -> int:
    """Whole minutes (rollups serve them), at least the rule's window for window rules;
    5 minutes for forecast breaches (a forecast changes hourly)."""
    if rule.condition in ("threshold", "rate"):
        return max(60, -(-rule.window_seconds // 60) * 60)
    if rule.condition == AlertRule.Condition.FORECAST:
        return 300
    return 60


def rule_backtest(*, rule: AlertRule, now: datetime | None = None, days: int = 7) -> Backtest:
    now = now or timezone.now()
    if rule.condition == AlertRule.Condition.PROMQL:
        return _promql_backtest(rule, now, days)
    """How often and when ``rule`` (saved or not) would have fired over the last ``days``."""
    series = series_for_rule(rule)[:MAX_SERIES]
    step = backtest_step(rule)
    out = Backtest(series=len(series), step_s=step, days=days)
    end = int(now.timestamp()) // step * step
    start = end - days * 86400
    if not series:
        out.note = "No series match this selector."
    if rule.condition == AlertRule.Condition.FORECAST:
        out.note = out.note or (
            "Replayed over the forecasts stored then (the newest "
            f"{settings.HYDRA_FORECAST_KEEP} per series are kept)."
        )
    timelines = _timelines(rule, series, start, end, step)
    for s in series:
        for t in _replay(rule, timelines.get(s.pk, {}), start, end, step):
            out.fired.append((str(s), datetime.fromtimestamp(t, tz=UTC)))
    out.fired.sort(key=lambda pair: pair[1])
    return out


def _promql_backtest(rule: AlertRule, now: datetime, days: int) -> Backtest:
    """The expression as a range query over the window, one timeline per output series."""
    step = 60
    end = int(now.timestamp()) // step * step
    start = end - days * 86400
    timelines = promql_timelines(rule, start + step, end, step)
    out = Backtest(series=len(timelines), step_s=step, days=days)
    if not timelines:
        out.note = "The expression gave no series over the backtest window."
    for name, values in timelines.items():
        out.fired += [
            (name, datetime.fromtimestamp(t, tz=UTC))
            for t in _replay(rule, values, start, end, step)
        ]
    out.fired.sort(key=lambda pair: pair[1])
    return out


def _replay(
    rule: AlertRule, values: dict[int, float], start: int, end: int, step: int
) -> list[float]:
    """Times the alert went to firing; ``values`` maps a step's end time to its value."""
    state, params, fired = lifecycle.State(), rule.params, []
    for t in range(start + step, end + 1, step):
        state, events = lifecycle.step(state, values.get(t), float(t), params)
        fired += [
            e.at
            for e in events
            if e.kind == lifecycle.TRANSITION and e.to_state == lifecycle.FIRING
        ]
    return fired


def _timelines(rule: AlertRule, series: list[Series], start: int, end: int, step: int):
    """series id -> {step end (epoch s): value}."""
    if rule.condition == AlertRule.Condition.ANOMALY:
        return _anomaly_timelines(series, start, end, step)
    if rule.condition == AlertRule.Condition.FORECAST:
        return _forecast_timelines(rule, series, start, end, step)
    agg = "count" if rule.condition == AlertRule.Condition.ABSENCE else rule.agg
    if rule.condition == AlertRule.Condition.RATE:
        agg = "avg"
    rows = points_query(
        series=series, start_us=start * US, end_us=end * US, step_us=step * US, agg=agg
    )
    out = {}
    for row in rows:
        buckets = {int(b) + step: v for b, v in row["points"]}
        if rule.condition == AlertRule.Condition.RATE:
            buckets = {
                t: (v - buckets[t - step]) / step for t, v in buckets.items() if t - step in buckets
            }
        elif rule.condition == AlertRule.Condition.ABSENCE:
            buckets = _silence_lengths(buckets, start, end, step)
        out[row["id"]] = buckets
    return out


def _silence_lengths(counts: dict[int, float], start: int, end: int, step: int) -> dict[int, float]:
    """Seconds since the last step with data (steps before any data have no value)."""
    out, last = {}, None
    for t in range(start + step, end + 1, step):
        if counts.get(t):
            last = t
        if last is not None:
            out[t] = float(t - last)
    return out


def _anomaly_timelines(series: list[Series], start: int, end: int, step: int):
    out: dict[int, dict[int, float]] = {s.pk: {} for s in series}
    rows = Anomaly.objects.filter(
        series__in=series, ts__gte=start * US, ts__lt=end * US, dismissed=False
    ).values_list("series_id", "ts", "score")
    for sid, ts, score in rows:
        t = (ts // US) // step * step + step
        out[sid][t] = max(out[sid].get(t, 0.0), score)
    for timeline in out.values():  # data but no anomaly: 0, like live evaluation
        for t in range(start + step, end + 1, step):
            timeline.setdefault(t, 0.0)
    return out


def _forecast_timelines(rule: AlertRule, series: list[Series], start: int, end: int, step: int):
    """At each step, what the rule read then: the newest forecast made by that time, its
    bound on the bad side within the horizon (no forecast yet: no data)."""
    made = forecasts_made_between(
        series_ids=[s.pk for s in series],
        start=datetime.fromtimestamp(start, tz=UTC),
        end=datetime.fromtimestamp(end, tz=UTC),
    )
    out: dict[int, dict[int, float]] = {}
    for sid, forecasts in made.items():
        timeline, i = {}, -1
        for t in range(start + step, end + 1, step):
            while i + 1 < len(forecasts) and forecasts[i + 1][0] <= t:
                i += 1
            if i < 0:
                continue  # no forecast made yet
            ahead = [p for p in forecasts[i][1] if t <= p[0] <= t + rule.horizon_seconds]
            if ahead:
                timeline[t] = forecast_value(rule.op, ahead)
        out[sid] = timeline
    return out
