"""bench/adapters.py is a contract the shared NAB and M4 scorers call: keep it working."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from alerts.detectors import get_detector
from bench.adapters import m4_forecast, nab_detect


def test_nab_detect_gives_one_score_in_0_1_per_point_and_flags_a_spike():
    rng = np.random.default_rng(3)
    values = 50 + rng.normal(0, 1, 2000)
    values[1500] = 90
    stamps = [datetime(2026, 1, 1) + timedelta(minutes=5 * i) for i in range(2000)]
    scores = np.asarray(nab_detect(stamps, values))
    assert scores.shape == (2000,) and np.all((scores >= 0) & (scores <= 1))
    assert scores.argmax() in (1500, 1501)  # the spike, or the jump back from it
    assert scores[1500] >= get_detector().threshold  # alarms at sensitivity 0.5


def test_m4_forecast_gives_h_values_that_follow_the_season():
    hours = np.arange(24 * 30)
    y = 100 + 20 * np.sin(2 * np.pi * hours / 24)
    forecast = np.asarray(m4_forecast(y, 48, 24))
    expected = 100 + 20 * np.sin(2 * np.pi * np.arange(len(y), len(y) + 48) / 24)
    assert forecast.shape == (48,)
    assert np.abs(forecast - expected).max() < 2.0
