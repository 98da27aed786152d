"""Scheduled anomaly detection over watched series, scoring only points not yet scored.

A series is watched when an enabled anomaly rule selects it or ``Series.watch`` is set.
Its detector state is restored from ``DetectorState``, fed the new points, and saved
with a conditional update on ``last_ts`` (two overlapping runs can't both save).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db import IntegrityError, transaction
from django.utils import timezone

from alerts.detectors import DEFAULT_DETECTOR, get_detector
from alerts.models import AlertRule, Anomaly, DetectorState
from alerts.selectors import (
    dismissed_counts,
    rule_series,
    series_of_metrics,
    series_sensitivities,
)
from alerts.sensitivity import DEFAULT, effective_sensitivity
from metrics.counters import counter_rate, is_counter
from metrics.models import Series
from metrics.selectors import points_before, raw_points

US = 1_000_000
WARMUP = timedelta(hours=6)  # history a new detector learns from (not reported as anomalies)
STORE_AFTER = timedelta(minutes=2)  # warm-up anomalies newer than this are stored
CHUNK = 500
MAX_NEW_PER_CYCLE = 200  # warm-ups are costly (hours of history): spread them over cycles


@dataclass
class DetectionReport:
    series: int = 0
    points: int = 0
    anomalies: int = 0


@dataclass(frozen=True)
class Watch:
    detector: str
    sensitivity: float  # before feedback


def watched_series() -> dict[tuple[int, str], Watch]:
    """(series id, detector) -> what to run: anomaly rules' series plus ``watch=True``."""
    out: dict[tuple[int, str], Watch] = {}
    rules = list(AlertRule.objects.filter(enabled=True, condition=AlertRule.Condition.ANOMALY))
    candidates = series_of_metrics({r.metric for r in rules})
    for rule in rules:
        name = rule.detector or DEFAULT_DETECTOR
        for s in rule_series(rule, candidates.get(rule.metric, [])):
            prev = out.get((s.pk, name))
            out[(s.pk, name)] = Watch(name, max(rule.sensitivity, prev.sensitivity if prev else 0))
    for sid in Series.objects.filter(watch=True).values_list("id", flat=True):
        out.setdefault((sid, DEFAULT_DETECTOR), Watch(DEFAULT_DETECTOR, DEFAULT))
    return out


def detection_run(*, now: datetime | None = None) -> DetectionReport:
    """Score every watched series' new points (the 60 s beat task)."""
    now = now or timezone.now()
    watched = watched_series()
    report = DetectionReport(series=len(watched))
    keys = _this_cycle(sorted(watched))
    for i in range(0, len(keys), CHUNK):
        _run_chunk(keys[i : i + CHUNK], watched, now, report)
    return report


def _this_cycle(keys: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Every series with a state, and at most ``MAX_NEW_PER_CYCLE`` new ones."""
    known = set(DetectorState.objects.values_list("series_id", "detector"))
    fresh = [k for k in keys if k not in known]
    return [k for k in keys if k in known] + fresh[:MAX_NEW_PER_CYCLE]


def _run_chunk(keys, watched, now: datetime, report: DetectionReport) -> None:
    ids = sorted({sid for sid, _ in keys})
    states = {(d.series_id, d.detector): d for d in DetectorState.objects.filter(series_id__in=ids)}
    dismissed = dismissed_counts(series_ids=ids)
    warmup_us = int((now - WARMUP).timestamp() * US)
    since = {k: max(states[k].last_ts or 0, warmup_us) if k in states else warmup_us for k in keys}
    points = _points_after(ids, min(since.values()))
    rates = _counter_rates(keys, since, points)
    for key in keys:
        ts, values = points.get(key[0], (np.zeros(0, np.int64), np.zeros(0)))
        new = ts > since[key]
        if not new.any():
            continue
        sensitivity = effective_sensitivity(watched[key].sensitivity, dismissed.get(key[0], 0))
        seen = rates[key] if key in rates else values[new]
        found = _score(key, states.get(key), ts[new], seen, sensitivity, now)
        report.points += int(new.sum())
        report.anomalies += found


def _counter_rates(keys, since: dict, points: dict) -> dict[tuple[int, str], np.ndarray]:
    """key -> the per-second rate of its new points, for counter series (detection watches
    a counter's rate, not its ever-growing total); the first new point's rate comes from
    the last point before it."""
    ids = {sid for sid, _ in keys}
    counters = {  # counters, and a histogram's or summary's _bucket/_sum/_count series
        pk
        for pk, kind, name in Series.objects.filter(pk__in=ids).values_list("pk", "type", "name")
        if is_counter(kind, name)
    }
    wanted = [k for k in keys if k[0] in counters and k[0] in points]
    if not wanted:
        return {}
    out = {}
    for key in wanted:  # one indexed read each (several detectors may start apart)
        ts, values = points[key[0]]
        new = ts > since[key]
        prev = points_before(series_ids={key[0]: since[key]}).get(key[0])
        out[key] = counter_rate(
            ts[new] / US, values[new], None if prev is None else (prev[0] / US, prev[1])
        )
    return out


def _points_after(ids: list[int], after_us: int) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Points newer than ``after_us`` (both tiers: a series caught up after a long pause)."""
    return raw_points(series_ids=ids, start_us=after_us + 1, end_us=2**62)


def _score(key, saved: DetectorState | None, ts, values, sensitivity: float, now) -> int:
    sid, name = key
    if saved is not None and saved.state:
        det = get_detector(name, state=saved.state, sensitivity=sensitivity)
    else:
        det = get_detector(name, sensitivity=sensitivity)
    result = det.update(ts.astype("datetime64[us]"), values)
    keep = result.is_anomaly.copy()
    if saved is None or not saved.state:
        keep &= ts >= int((now - STORE_AFTER).timestamp() * US)
    anomalies = [
        Anomaly(
            series_id=sid,
            ts=int(ts[i]),
            detector=name,
            value=float(values[i]),
            score=float(result.score[i]),
            expected=_finite(result.expected[i]),
            lower=_finite(result.lower[i]),
            upper=_finite(result.upper[i]),
        )
        for i in np.flatnonzero(keep)
    ]
    saved_ok = _save_state(key, saved, det.get_state(), int(ts[-1]), sensitivity)
    if saved_ok and anomalies:
        Anomaly.objects.bulk_create(anomalies, ignore_conflicts=True)
    return len(anomalies) if saved_ok else 0


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(float(x)) else None


def _save_state(key, saved: DetectorState | None, state: dict, last_ts: int, sens: float) -> bool:
    """Conditional on the ``last_ts`` we started from: a concurrent run's save wins."""
    if saved is None:
        try:
            with transaction.atomic():
                DetectorState.objects.create(
                    series_id=key[0],
                    detector=key[1],
                    state=state,
                    last_ts=last_ts,
                    sensitivity=sens,
                )
        except IntegrityError:
            return False
        return True
    rows = DetectorState.objects.filter(pk=saved.pk, last_ts=saved.last_ts).update(
        state=state, last_ts=last_ts, sensitivity=sens, updated_at=timezone.now()
    )
    return rows == 1


def anomaly_dismiss(*, anomaly: Anomaly, user, dismissed: bool = True) -> Anomaly:
    """ "Not an anomaly" feedback (or its undo): lowers (restores) the series' sensitivity by
    ``FEEDBACK_STEP``, stored on its detector states at once and used from the next cycle.

    Idempotent: a second dismissal keeps the first one's record and lowers nothing more.
    """
    with transaction.atomic():
        Anomaly.objects.filter(pk=anomaly.pk, dismissed=not dismissed).update(
            dismissed=dismissed,
            dismissed_by=user if dismissed else None,
            dismissed_at=timezone.now() if dismissed else None,
        )
        anomaly.refresh_from_db(fields=["dismissed", "dismissed_by", "dismissed_at"])
        sensitivity = series_sensitivities(series=[anomaly.series])[anomaly.series_id]
        DetectorState.objects.filter(series_id=anomaly.series_id).update(
            sensitivity=sensitivity.effective
        )
    return anomaly
