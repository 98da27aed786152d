"""Tests specific to the default ``hydra`` detector and its rarity histograms (no Django)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import pytest

from alerts.detectors import get_detector, score_series
from alerts.detectors.rarity import _renormalise, decay, learn, new_histogram, rarity


@pytest.fixture(autouse=True)
def _clear_cache():
    """Override the project conftest's Django cache reset: these tests never use Django."""
    yield


def daily_square(days: int, step_min: int = 5, seed: int = 0) -> tuple[list, np.ndarray]:
    """High (~80) from 09:00 to 17:00, low (~20) otherwise, with small noise."""
    rng = np.random.default_rng(seed)
    n = days * 1440 // step_min
    ts = [datetime(2024, 3, 1) + timedelta(minutes=step_min * i) for i in range(n)]
    hours = np.array([t.hour for t in ts])
    x = np.where((hours >= 9) & (hours < 17), 80.0, 20.0) + rng.normal(0, 2.0, n)
    return ts, x


def test_rarity_unseen_is_rarer_and_renormalise_keeps_it() -> None:
    h = new_histogram(0.0, 1.0)
    for v in np.random.default_rng(0).normal(5, 1, 500):
        decay(h, 100)
        learn(h, "all", float(v))
    common, unseen = rarity(h, "all", 5.0), rarity(h, "all", 50.0)
    assert common < 1.0 < 3.0 < unseen
    _renormalise(h)
    assert rarity(h, "all", 50.0) == pytest.approx(unseen)
    assert rarity(h, "other-key", 5.0) == pytest.approx(0.0)


def test_widening_merges_bins_exactly() -> None:
    h = new_histogram(0.0, 1.0)
    for v in range(10):
        learn(h, "all", float(v), max_bins=20)
    assert h["width"] == 1.0
    learn(h, "all", 40.0, max_bins=20)
    assert h["width"] == 2.0 and h["bmax"] - h["bmin"] <= 20
    assert sum(h["counts"]["all"].values()) == pytest.approx(11.0)
    assert h["counts"]["all"]["0"] == pytest.approx(2.0)  # values 0 and 1


def test_chunked_equals_one_shot_across_renormalisation() -> None:
    ts, x = daily_square(8)
    x[1500] += 200
    one = score_series(ts, x, detector="hydra", half_life_s=40 * 300)  # 40 points
    det, parts = get_detector("hydra", half_life_s=40 * 300), []
    for a in range(0, len(x), 333):
        parts.append(det.update(ts[a : a + 333], x[a : a + 333]).score)
        det = get_detector("hydra", state=json.loads(json.dumps(det.get_state())))
    assert np.allclose(np.concatenate(parts), one)


def test_missing_daily_peak_is_flagged_but_zscore_misses_it() -> None:
    ts, x = daily_square(21)
    day = 20 * 288
    x[day + 9 * 12 : day + 17 * 12] -= 60.0  # the high period of day 21 never comes
    res = get_detector("hydra").update(ts, x)
    assert res.is_anomaly[day + 9 * 12 : day + 17 * 12].any()
    assert not res.is_anomaly[3000:day].any()
    z = get_detector("zscore").update(ts, x)
    assert not z.is_anomaly[day + 9 * 12 : day + 17 * 12].any()


def test_rest_period_flags_a_level_shift_once() -> None:
    ts, x = daily_square(6)
    x[1200:] += 500.0
    res = get_detector("hydra").update(ts, x)
    flagged = np.flatnonzero(res.is_anomaly)
    assert len(flagged) >= 1 and 1200 <= flagged[0] < 1205
    assert len(flagged) <= 3


def test_warmup_scores_zero_and_band_contains_expected() -> None:
    ts, x = daily_square(3)
    res = get_detector("hydra").update(ts, x)
    assert np.all(res.score[:288] == 0.0)  # the first day only teaches
    assert np.all(res.lower <= res.expected) and np.all(res.expected <= res.upper)
    assert res.lower[500] < 30 and res.upper[500] > 70


def test_flat_series_does_not_crash_or_alarm() -> None:
    ts = [datetime(2024, 1, 1) + timedelta(minutes=i) for i in range(2000)]
    res = get_detector("hydra").update(ts, np.full(2000, 3.0))
    assert not res.is_anomaly.any()
    assert len(json.dumps(res.score.tolist())) > 0


def spiky(days: int, step_min: int, spikes: dict[float, float], seed: int = 1):
    """Noisy flat series with spikes of given heights at given days (fractional)."""
    rng = np.random.default_rng(seed)
    n = days * 1440 // step_min
    ts = [datetime(2024, 3, 1) + timedelta(minutes=step_min * i) for i in range(n)]
    x = 50.0 + rng.normal(0, 1.0, n)
    for day, height in spikes.items():
        x[int(day * 1440 / step_min)] += height
    return ts, x


@pytest.mark.parametrize(("step_min", "day"), [(5, 4.5), (60, 14.5)])
def test_it_learns_for_one_day_whatever_the_sampling_step(step_min: int, day: float) -> None:
    ts, x = spiky(int(day) + 4, step_min, {day: 40.0})
    res = get_detector("hydra").update(ts, x)
    per_day = 1440 // step_min
    assert np.all(res.score[:per_day] == 0.0) and res.score[per_day + 1 :].max() > 0
    assert res.is_anomaly[int(day * per_day)]


def test_an_hourly_series_needs_two_weeks_at_the_default_sensitivity() -> None:
    """Calibration (calibrate.py) trusts no evidence without history: 4.5 days of hourly
    points (108) cannot make a spike rare enough at sensitivity 0.5; 0.75 flags it."""
    ts, x = spiky(8, 60, {4.5: 40.0})
    at = int(4.5 * 24)
    assert not get_detector("hydra").update(ts, x).is_anomaly[at]
    assert get_detector("hydra", sensitivity=0.75).update(ts, x).is_anomaly[at]


@pytest.mark.parametrize(("step_min", "day"), [(5, 4), (60, 14)])
def test_rest_period_is_a_day_whatever_the_sampling_step(step_min: int, day: int) -> None:
    ts, x = daily_square(day + 4, step_min=step_min)
    at = day * 1440 // step_min
    x[at:] += 500.0
    det = get_detector("hydra")
    flagged = np.flatnonzero(det.update(ts, x).is_anomaly)
    assert det.get_state()["state"]["rest_points"] == 1440 // step_min
    assert len(flagged) >= 1 and at <= flagged[0] < at + 5
    assert len(flagged) <= 3


def test_state_stays_small_at_a_10_second_step() -> None:
    ts, x = spiky(3, 1, {})
    ts = [ts[0] + timedelta(seconds=10 * i) for i in range(len(ts) * 6)]
    x = np.resize(x, len(ts))
    det = get_detector("hydra")
    det.update(ts, x)
    assert det.get_state()["state"]["rest_points"] == 8640
    assert len(json.dumps(det.get_state())) < 100_000


def test_a_state_of_an_older_version_restores_as_a_fresh_detector() -> None:
    ts, x = daily_square(3)
    det = get_detector("hydra", sensitivity=0.8)
    det.update(ts, x)
    old = json.loads(json.dumps(det.get_state()))
    old["version"] = 1
    old["params"] = {"warmup": 300, "rest": 300, "half_life": 3000}
    fresh = get_detector("hydra", state=old)
    assert fresh.sensitivity == 0.8 and fresh.state["hists"] is None
    assert np.all(fresh.update(ts[:100], x[:100]).score == 0.0)


def test_a_common_value_out_of_its_usual_sequence_is_flagged() -> None:
    # blocks of 5 points at 0 then 5 at 10 (50 min: every hour sees both levels)
    rng = np.random.default_rng(3)
    n = 4 * 288
    ts = [datetime(2024, 3, 1) + timedelta(minutes=5 * i) for i in range(n)]
    x = np.where((np.arange(n) // 5) % 2 == 0, 0.0, 10.0) + rng.normal(0, 0.3, n)
    at = 10 * (3 * 288 // 10) + 52  # a lone 10 in the middle of a block of 0s, on day 4
    x[at] = 10.0 + rng.normal(0, 0.3)
    full = get_detector("hydra", features=["value", "time_of_day", "change", "sequence"])
    full = full.update(ts, x)
    no_seq = get_detector("hydra").update(ts, x)
    assert full.is_anomaly[at : at + 3].any()
    assert not no_seq.is_anomaly[at : at + 3].any()
    assert not full.is_anomaly[2 * 288 : 3 * 288].any()
