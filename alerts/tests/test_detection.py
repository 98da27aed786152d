"""Scheduled detection: watched series, persisted state, only new points scored,
anomalies stored with their band, feedback lowering (and restoring) sensitivity."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from alerts.detectors import get_detector
from alerts.models import Alert, Anomaly, DetectorState
from alerts.services.detection import anomaly_dismiss, detection_run, watched_series
from alerts.services.evaluation import rules_evaluate
from alerts.tests.conftest import ingest, make_rule
from metrics.models import Series
from metrics.selectors import latest_ts

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
STEP = 10


def wave(start: int, n: int, spike_at: int | None = None) -> list[tuple[float, float]]:
    """A smooth daily-ish wave at 10 s with a little deterministic noise."""
    rng = np.random.default_rng(start)
    out = []
    for i in range(n):
        t = start + i * STEP
        v = 50 + 10 * math.sin(t / 3000) + rng.normal(0, 0.3)
        out.append((float(t), v + (40 if spike_at is not None and i == spike_at else 0)))
    return out


def history(host: str = "web-1", minutes: int = 120) -> Series:
    start = int((NOW - timedelta(minutes=minutes)).timestamp())
    return ingest("cpu.usage", host, wave(start, minutes * 6))


def test_series_with_an_anomaly_rule_or_watch_are_watched():
    history("web-1")
    other = history("web-2")
    history("db-1")
    make_rule(condition="anomaly", host_pattern="web-1", threshold=None, sensitivity=0.7)
    Series.objects.filter(pk=other.pk).update(watch=True)
    watched = {
        (Series.objects.get(pk=sid).host, name): w.sensitivity
        for (sid, name), w in watched_series().items()
    }
    assert watched == {("web-1", "hydra"): 0.7, ("web-2", "hydra"): 0.5}


def test_it_persists_state_and_scores_only_new_points():
    series = history()
    Series.objects.filter(pk=series.pk).update(watch=True)
    first = detection_run(now=NOW)
    state = DetectorState.objects.get()
    assert first.points == 720 and state.last_ts == latest_ts(series_id=series.pk)
    assert detection_run(now=NOW + timedelta(seconds=60)).points == 0
    start = int(NOW.timestamp())
    ingest("cpu.usage", "web-1", wave(start, 6, spike_at=3))
    again = detection_run(now=NOW + timedelta(seconds=60))
    assert again.points == 6 and again.anomalies >= 1
    state.refresh_from_db()
    assert state.last_ts == (start + 50) * 1_000_000
    spike = Anomaly.objects.get(ts=(start + 30) * 1_000_000)
    assert spike.value > 80 and spike.expected < 70 and None not in (spike.lower, spike.upper)


def test_scoring_in_cycles_gives_the_same_scores_as_one_pass():
    series = history(minutes=60)
    Series.objects.filter(pk=series.pk).update(watch=True)
    detection_run(now=NOW)
    later = wave(int(NOW.timestamp()), 12, spike_at=5)
    ingest("cpu.usage", "web-1", later[:6])
    detection_run(now=NOW + timedelta(seconds=60))
    ingest("cpu.usage", "web-1", later[6:])
    detection_run(now=NOW + timedelta(seconds=120))
    all_points = wave(int((NOW - timedelta(minutes=60)).timestamp()), 360) + later
    ts = np.array([int(t * 1e6) for t, _ in all_points]).astype("datetime64[us]")
    one_pass = get_detector("hydra").update(ts, [v for _, v in all_points])
    flagged = {
        int(t * 1e6)
        for (t, _), hit in zip(all_points[-12:], one_pass.is_anomaly[-12:], strict=True)
        if hit
    }
    assert set(Anomaly.objects.values_list("ts", flat=True)) == flagged and flagged


def test_not_an_anomaly_lowers_the_sensitivity_and_undoing_it_restores_it(owner):
    series = history()
    Series.objects.filter(pk=series.pk).update(watch=True)
    detection_run(now=NOW)
    anomaly = Anomaly.objects.create(series=series, ts=1, detector="hydra", value=1, score=0.9)
    anomaly_dismiss(anomaly=anomaly, user=owner)
    ingest("cpu.usage", "web-1", wave(int(NOW.timestamp()), 1))
    detection_run(now=NOW + timedelta(seconds=60))
    assert DetectorState.objects.get().sensitivity == pytest.approx(0.4)
    anomaly_dismiss(anomaly=anomaly, user=owner, dismissed=False)
    ingest("cpu.usage", "web-1", wave(int(NOW.timestamp()) + 10, 1))
    detection_run(now=NOW + timedelta(seconds=120))
    assert DetectorState.objects.get().sensitivity == pytest.approx(0.5)


def test_an_anomaly_rule_fires_on_a_stored_anomaly(django_capture_on_commit_callbacks):
    series = history()
    make_rule(condition="anomaly", threshold=None, window_seconds=300)
    Anomaly.objects.create(
        series=series,
        ts=int(NOW.timestamp() * 1e6) - 60_000_000,
        detector="hydra",
        value=99,
        score=0.93,
    )
    with django_capture_on_commit_callbacks(execute=True):
        rules_evaluate(now=NOW)
    alert = Alert.objects.get()
    assert alert.state == "firing" and alert.value == 0.93
