"""Backtest numbers on a known series: the replay counts each episode once, at its start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alerts.services.backtest import rule_backtest
from alerts.tests.conftest import ingest, make_rule

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
START = NOW - timedelta(days=7)
SPIKES = [START + timedelta(days=d, hours=3) for d in (1, 3, 5)]  # 20 minutes each


def known_series() -> None:
    """A week at one point per minute: 10 everywhere, 95 during three 20-minute spikes."""
    points = []
    for minute in range(7 * 24 * 60):
        t = START + timedelta(minutes=minute)
        hot = any(s <= t < s + timedelta(minutes=20) for s in SPIKES)
        points.append((t.timestamp(), 95.0 if hot else 10.0))
    ingest("cpu.usage", "web-1", points)


def test_it_counts_each_episode_once_with_its_time():
    known_series()
    result = rule_backtest(rule=make_rule(window_seconds=60), now=NOW)
    assert result.count == 3 and result.series == 1
    assert [t for _, t in result.fired] == [s + timedelta(minutes=1) for s in SPIKES]


def test_for_longer_than_an_episode_never_fires():
    known_series()
    assert rule_backtest(rule=make_rule(window_seconds=60, for_seconds=1800), now=NOW).count == 0


def test_for_shorter_than_an_episode_fires_later():
    known_series()
    result = rule_backtest(rule=make_rule(window_seconds=60, for_seconds=600), now=NOW)
    assert [t for _, t in result.fired] == [s + timedelta(minutes=11) for s in SPIKES]


def test_absence_counts_the_gaps():
    points = [
        ((NOW - timedelta(hours=5, minutes=-m)).timestamp(), 1.0)
        for m in range(300)
        if not 100 <= m < 130
    ]
    ingest("cpu.usage", "web-1", points)
    result = rule_backtest(
        rule=make_rule(condition="absence", absence_minutes=10, threshold=None), now=NOW
    )
    assert result.count == 1


def test_a_selector_that_matches_nothing_says_so():
    result = rule_backtest(rule=make_rule(metric="nope", threshold=1), now=NOW)
    assert result.count == 0 and result.note == "No series match this selector."
