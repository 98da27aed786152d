"""Scheduled detection watches a counter's per-second rate, not its ever-growing total:
resets are not anomalies, a burst of requests is, and the first point of each cycle gets
its rate from the last point before it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from alerts.models import Anomaly
from alerts.services.detection import detection_run
from alerts.tests.conftest import ingest
from metrics.models import Series, SeriesType

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
STEP = 10
RATE = 5.0  # requests per second


def counter(start: int, n: int, total: float, seed: int, burst_at=None, reset_at=None):
    """(epoch s, counter total) every 10 s: ~5 requests/s with noise, optionally a burst
    (10× the rate for one step) and a restart (the total starts again from 0)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        inc = STEP * RATE + rng.normal(0, 2)
        if i == burst_at:
            inc *= 10
        total = inc if i == reset_at else total + inc
        out.append((float(start + i * STEP), total))
    return out


def requests_total(points, kind=SeriesType.COUNTER) -> Series:
    series = ingest("http.requests.total", "web-1", points)
    Series.objects.filter(pk=series.pk).update(type=kind, watch=True)
    return series


def test_a_counter_is_watched_on_its_rate_resets_are_not_anomalies():
    start = int((NOW - timedelta(hours=2)).timestamp())
    history = counter(start, 720, 1e6, seed=1)
    requests_total(history)
    detection_run(now=NOW)
    new = counter(int(NOW.timestamp()), 12, history[-1][1], seed=2, reset_at=3, burst_at=8)
    ingest("http.requests.total", "web-1", new)
    report = detection_run(now=NOW + timedelta(minutes=2))
    assert report.points == 12
    flagged = set(Anomaly.objects.values_list("ts", flat=True))
    assert int(new[3][0] * 1e6) not in flagged  # the restart: its rate is ordinary
    assert min(flagged) == int(new[8][0] * 1e6)  # the burst (the detector may add its echo)
    burst = Anomaly.objects.get(ts=int(new[8][0] * 1e6))
    assert burst.value == pytest.approx((new[8][1] - new[7][1]) / STEP)  # a rate, per second
    assert burst.expected == pytest.approx(RATE, rel=0.2)


def test_the_first_new_point_of_a_cycle_gets_its_rate_from_the_point_before():
    start = int((NOW - timedelta(hours=2)).timestamp())
    history = counter(start, 720, 0.0, seed=3)
    requests_total(history)
    detection_run(now=NOW)
    new = counter(int(NOW.timestamp()), 3, history[-1][1], seed=4, burst_at=0)
    ingest("http.requests.total", "web-1", new)
    detection_run(now=NOW + timedelta(minutes=1))
    burst = Anomaly.objects.order_by("ts").first()
    assert burst is not None and burst.ts == int(new[0][0] * 1e6)
    assert burst.value == pytest.approx((new[0][1] - history[-1][1]) / STEP)


def test_a_gauge_with_the_same_values_is_watched_as_is():
    start = int((NOW - timedelta(hours=2)).timestamp())
    history = counter(start, 720, 1e6, seed=1)
    requests_total(history, kind=SeriesType.GAUGE)
    detection_run(now=NOW)
    new = counter(int(NOW.timestamp()), 12, history[-1][1], seed=2, reset_at=3, burst_at=8)
    ingest("http.requests.total", "web-1", new)
    detection_run(now=NOW + timedelta(minutes=2))
    drop = Anomaly.objects.get(ts=int(new[3][0] * 1e6))  # the raw total falling to ~0
    assert drop.value == pytest.approx(new[3][1])


def test_a_histograms_count_series_is_watched_on_its_rate_like_a_counter():
    """``<name>_count`` of a histogram is a counter in Prometheus's model (charts draw its
    rate): detection watches its rate too."""
    start = int((NOW - timedelta(hours=2)).timestamp())
    history = counter(start, 720, 1e6, seed=1)
    series = ingest("http_seconds_count", "web-1", history)
    Series.objects.filter(pk=series.pk).update(type=SeriesType.HISTOGRAM, watch=True)
    detection_run(now=NOW)
    new = counter(int(NOW.timestamp()), 12, history[-1][1], seed=2, reset_at=3, burst_at=8)
    ingest("http_seconds_count", "web-1", new)
    detection_run(now=NOW + timedelta(minutes=2))
    assert int(new[3][0] * 1e6) not in set(Anomaly.objects.values_list("ts", flat=True))
    burst = Anomaly.objects.get(ts=int(new[8][0] * 1e6))
    assert burst.value == pytest.approx((new[8][1] - new[7][1]) / STEP)  # a rate, per second
