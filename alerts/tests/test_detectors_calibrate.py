"""Tests of the per-feature score calibration (``alerts/detectors/calibrate.py``, no Django)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import pytest

from alerts.detectors import get_detector
from alerts.detectors.calibrate import (
    cap,
    fraction,
    max_raw,
    new_calibrator,
    observe,
    tail_rarity,
)
from alerts.detectors.rarity import decay, learn, new_histogram, rarity


@pytest.fixture(autouse=True)
def _clear_cache():
    """Override the project conftest's Django cache reset: these tests never use Django."""
    yield


def test_fraction_is_one_for_a_value_never_seen_whatever_the_history() -> None:
    for n in (50, 5000):
        h = new_histogram(0.0, 1.0)
        for v in np.random.default_rng(0).normal(5, 1, n):
            decay(h, 1e9)
            learn(h, "all", float(v))
        total = h["totals"]["all"] / h["gain"]
        assert fraction(rarity(h, "all", 100.0), total, 0.01) == pytest.approx(1.0)
        assert fraction(rarity(h, "all", 5.0), total, 0.01) < 0.1
    assert cap(0.0, 0.01) == 0.0 and fraction(3.0, 0.0, 0.01) == 0.0


def test_evidence_the_series_gives_often_is_less_surprising() -> None:
    rare, often = new_calibrator(), new_calibrator()
    for i in range(1000):
        observe(rare, 0.1, 1e9)
        observe(often, 1.0 if i % 20 == 0 else 0.1, 1e9)
    q_rare, q_often = tail_rarity(rare, 1.0, 10.0), tail_rarity(often, 1.0, 10.0)
    assert q_rare == pytest.approx(np.log10(1010 / 10))
    assert q_often == pytest.approx(-np.log10((50 + 10) / 1010))
    assert q_often < 1.3 < 2.0 < q_rare
    assert tail_rarity(often, 0.0, 10.0) == pytest.approx(0.0)


def test_an_empty_calibrator_gives_no_evidence() -> None:
    assert tail_rarity(new_calibrator(), 1.0, 10.0) == pytest.approx(0.0)


def test_memory_forgets_old_evidence() -> None:
    h = new_calibrator()
    for _ in range(200):
        observe(h, 1.0, 50.0)
    before = tail_rarity(h, 1.0, 1.0)
    for _ in range(1000):
        observe(h, 0.0, 50.0)
    assert before < 0.1 < 1.5 < tail_rarity(h, 1.0, 1.0)  # ~log10(73): 72 points remembered


def noisy_hourly(days: int, seed: int = 3) -> tuple[list, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = days * 24
    ts = [datetime(2024, 3, 1) + timedelta(hours=i) for i in range(n)]
    return ts, 50.0 + rng.normal(0, 5.0, n)


def test_calibration_quietens_noise_and_keeps_a_big_spike() -> None:
    ts, x = noisy_hourly(120)
    x[100 * 24] += 200.0
    cal = get_detector("hydra").update(ts, x)
    raw = get_detector("hydra", calibrate=0.0).update(ts, x)
    thr = get_detector("hydra").threshold
    noise = np.r_[cal.score[: 100 * 24], cal.score[100 * 24 + 1 :]]
    assert cal.score[100 * 24] >= thr
    assert int((noise >= thr).sum()) == 0
    assert int((np.r_[raw.score[: 100 * 24], raw.score[100 * 24 + 1 :]] >= thr).sum()) > 0


def test_calibrated_state_round_trips_through_json() -> None:
    ts, x = noisy_hourly(30)
    one = get_detector("hydra").update(ts, x).score
    det, parts = get_detector("hydra"), []
    for a in range(0, len(x), 97):
        parts.append(det.update(ts[a : a + 97], x[a : a + 97]).score)
        state = json.loads(json.dumps(det.get_state()))
        assert set(state["state"]["cal"]) == {"value", "time_of_day", "change"}
        det = get_detector("hydra", state=state)
    assert np.allclose(np.concatenate(parts), one)


def test_max_raw_is_where_the_calibrated_evidence_crosses_the_target() -> None:
    h = new_calibrator()
    rng = np.random.default_rng(5)
    for u in rng.beta(1, 6, 3000):
        observe(h, float(u), 1e9)
    c, target = 6.0, 2.5

    def evidence(r: float) -> float:
        return (r + tail_rarity(h, fraction(r, 10**c * 0.01, 0.01), 10.0)) / 2

    r_star = max_raw(h, cap(10**c * 0.01, 0.01), target, 10.0)
    assert 0.0 < r_star < c
    assert evidence(r_star - 1e-6) < target
    assert all(evidence(r) >= target for r in np.linspace(r_star + 1e-3, c, 50))


def test_band_shows_the_values_the_calibrated_detector_does_not_flag() -> None:
    ts, x = noisy_hourly(60)
    res = get_detector("hydra").update(ts, x)
    after = slice(24 * 20, None)
    outside = (x[after] < res.lower[after]) | (x[after] > res.upper[after])
    assert not res.is_anomaly[after][~outside].any()
    assert 0.0 <= outside.mean() < 0.05
