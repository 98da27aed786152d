"""PromQL rules on the rules' cycle, like Prometheus's rule groups.

Alerting: the expression is evaluated at the cycle's time; each output series is one alert,
its labels the output's (without ``__name__``) plus the rule's labels plus ``alertname``.
An alert is tied to a series named ``ALERTS`` with that label set (Prometheus writes the
same-named series), made on first use, so silences, notifications, acknowledgements and
load-test tagging work as for every other rule. A series missing from the output resolves
its alert (after ``keep_firing_for``); ``for`` holds new ones pending.

Prometheus's own alert series are written too, so PromQL (and Grafana) can ask for them:
``ALERTS{alertname=…, alertstate="pending"|"firing", …} 1`` for every pending or firing
alert at each cycle, and a staleness marker on the series an alert leaves (pending →
firing, firing → resolved), as Prometheus writes them. These carry ``alertstate``; the
alert's own ``ALERTS{…}`` series (without it) holds no points.

Recording: each output series is written back through the ingestion path as a point at the
cycle's time, named ``record`` with the rule's labels added.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import Q

from alerts.models import AlertRule, RecordingRule
from metrics.ingest.batch import Batch
from metrics.models import Series, series_key
from metrics.services import points_ingest, series_ensure
from prom.labels import LabelError
from prom.labels import series_key as prom_series_key
from prom.queries import promql_instant, promql_range

logger = logging.getLogger(__name__)
ALERT_SERIES = "ALERTS"
US = 1_000_000


def alert_labels(rule: AlertRule, output: dict[str, str]) -> dict[str, str]:
    labels = {k: v for k, v in output.items() if k != "__name__"}
    labels.update({k: str(v) for k, v in rule.labels.items()})
    labels["alertname"] = str(rule.labels.get("alertname") or rule.name)  # imports: repeats
    return {k: v for k, v in labels.items() if v != ""}


def _identity(labels: dict[str, str]) -> tuple[str, str, dict[str, str]]:
    host = labels.get("host", "")
    rest = {k: v for k, v in labels.items() if k != "host"}
    return series_key(ALERT_SERIES, host, rest), host, rest


def alert_series(label_sets: list[dict[str, str]]) -> list[Series]:
    """The ``ALERTS`` series of each label set (one query; the missing ones are made)."""
    wanted = [_identity(labels) for labels in label_sets]
    found = {s.key.hex: s for s in Series.objects.filter(key__in=[k for k, _, _ in wanted])}
    out = []
    for key, host, rest in wanted:
        series = found.get(key)
        if series is None:
            series = found[key] = series_ensure(
                name=ALERT_SERIES, host=host, labels=rest, help_text="PromQL alerting rule"
            )
        out.append(series)
    return out


def observe_promql(
    rules: list[AlertRule], now_us: int
) -> tuple[dict[int, dict[int, float | None]], dict[int, Series], dict[int, Exception]]:
    """Like ``observations.observe``: rule -> ALERTS series id -> value, the series, errors."""
    out: dict[int, dict[int, float | None]] = {}
    by_id: dict[int, Series] = {}
    failed: dict[int, Exception] = {}
    for rule in rules:
        try:
            rows = promql_instant(query=rule.expr, time_ms=now_us // 1000).series()
            series = alert_series([alert_labels(rule, labels) for labels, _, _ in rows])
        except Exception as exc:
            failed[rule.pk] = exc
            continue
        out[rule.pk] = {s.pk: float(v[-1]) for s, (_, _, v) in zip(series, rows, strict=True)}
        by_id.update((s.pk, s) for s in series)
    return out, by_id, failed


ACTIVE = ("pending", "firing")


def alert_samples_write(contexts, now: datetime) -> int:
    """Write ``ALERTS{…, alertstate}`` 1 for the PromQL rules' pending and firing alerts
    and stale-mark the state series their transitions left; returns the samples written.
    ``contexts``: the evaluation's written ``Context`` objects."""
    now_us = int(now.timestamp() * 1000) * 1000  # whole milliseconds, as PromQL reads them
    batch = Batch()
    for context in contexts:
        if context.rule.condition != AlertRule.Condition.PROMQL:
            continue
        for alert in [*context.existing.values(), *context.created]:
            if alert.state in ACTIVE:
                batch.add(batch.series_position(_state_key(alert.series, alert.state)), now_us, 1.0)
        for alert, event, _, _ in context.events:
            if event.from_state in ACTIVE and event.to_state != event.from_state:
                batch.stale_index.append(
                    batch.series_position(_state_key(alert.series, event.from_state))
                )
                batch.stale_ts.append(now_us)
    if batch.series:
        points_ingest(batch=batch)
    return len(batch.ts)


def _state_key(series: Series, state: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    labels = {**series.labels, "alertstate": state}
    return ALERT_SERIES, series.host, tuple(sorted(labels.items()))


def promql_timelines(
    rule: AlertRule, start_s: int, end_s: int, step_s: int
) -> dict[str, dict[int, float]]:
    """Backtest: the expression as a range query; alert label set (as text) -> {t: value}."""
    result = promql_range(
        query=rule.expr, start_ms=start_s * 1000, end_ms=end_s * 1000, step_ms=step_s * 1000
    )
    out = {}
    for labels, ts, values in result.series():
        name = ",".join(f"{k}={v}" for k, v in sorted(alert_labels(rule, labels).items()))
        out[f"{{{name}}}"] = {int(t) // 1000: float(v) for t, v in zip(ts, values, strict=True)}
    return out


def recording_rules_claim(now: datetime) -> list[RecordingRule]:
    due = Q(next_eval_at__isnull=True) | Q(next_eval_at__lte=now)
    rules = list(RecordingRule.objects.filter(due, enabled=True))
    for rule in rules:  # each at its own interval; a concurrent run claims none twice
        claimed = RecordingRule.objects.filter(due, pk=rule.pk).update(
            next_eval_at=now + timedelta(seconds=rule.interval_seconds), last_evaluated_at=now
        )
        rule.claimed = bool(claimed)  # type: ignore[attr-defined]
    return [r for r in rules if r.claimed]  # type: ignore[attr-defined]


def recording_rules_run(*, now: datetime) -> int:
    """Evaluate the due recording rules; write their output; returns the points written."""
    written = 0
    for rule in recording_rules_claim(now):
        try:
            written += _record(rule, int(now.timestamp() * US))
        except Exception as exc:
            logger.error("recording rule %r failed", rule.record, exc_info=exc)
            status = {"last_status": "error", "error": f"{type(exc).__name__}: {exc}"}
        else:
            status = {"last_status": "ok", "error": ""}
        RecordingRule.objects.filter(pk=rule.pk).update(**status)
    return written


def _record(rule: RecordingRule, now_us: int) -> int:
    batch = Batch()
    for labels, _, values in promql_instant(query=rule.expr, time_ms=now_us // 1000).series():
        pairs = {**labels, **{k: str(v) for k, v in rule.labels.items()}, "__name__": rule.record}
        try:
            key, derived = prom_series_key(pairs.items())
        except LabelError as exc:
            raise ValueError(f"output series {labels}: {exc}") from None
        position = batch.series_position(key)
        if derived:
            batch.derived_hosts[position] = derived
        batch.add(position, now_us // 1000 * 1000, float(values[-1]))
    if not batch.series:
        return 0
    points_ingest(batch=batch)
    return len(batch.ts)
