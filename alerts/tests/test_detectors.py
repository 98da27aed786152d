"""Tests of the pure-Python anomaly detectors (no Django, synthetic data only)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from alerts.detectors import (
    DEFAULT_DETECTOR,
    DETECTORS,
    Detector,
    get_detector,
    score_series,
)

NAMES = sorted(DETECTORS)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Override the project conftest's Django cache reset: these tests never use Django."""
    yield


def make_series(n: int = 1500, seed: int = 0, step_min: int = 5) -> tuple[list, np.ndarray]:
    """Daily-seasonal noisy series sampled every ``step_min`` minutes."""
    rng = np.random.default_rng(seed)
    start = datetime(2024, 1, 1)
    ts = [start + timedelta(minutes=step_min * i) for i in range(n)]
    phase = np.arange(n) * step_min / 1440.0
    x = 50 + 10 * np.sin(2 * np.pi * phase) + rng.normal(0, 1.0, n)
    return ts, x


def test_registry_and_default() -> None:
    assert {"zscore", "mad_seasonal", "isolation_forest", "hydra"} <= set(DETECTORS)
    assert DEFAULT_DETECTOR == "hydra"
    assert isinstance(get_detector(), DETECTORS["hydra"])
    with pytest.raises(KeyError):
        get_detector("nope")
    with pytest.raises(TypeError):
        get_detector("zscore", bogus=1)
    state = get_detector("zscore").get_state()
    assert get_detector("zscore", state=state, sensitivity=0.9).sensitivity == 0.9
    with pytest.raises(TypeError):
        get_detector("zscore", state=state, window=10)
    with pytest.raises(ValueError):
        get_detector("hydra", state=state)


@pytest.mark.parametrize("name", NAMES)
def test_scores_bounded_and_shapes(name: str) -> None:
    ts, x = make_series()
    res = get_detector(name).update(ts, x)
    for arr in (res.score, res.expected, res.lower, res.upper, res.is_anomaly):
        assert arr.shape == (len(x),)
    assert np.all(np.isfinite(res.score))
    assert res.score.min() >= 0.0 and res.score.max() <= 1.0
    assert res.is_anomaly.dtype == bool
    assert np.all(res.lower <= res.upper)


@pytest.mark.parametrize("name", NAMES)
def test_causal_prefix_scores_unchanged(name: str) -> None:
    ts, x = make_series(1200, seed=1)
    full = score_series(ts, x, detector=name)
    cut = 700
    assert np.allclose(score_series(ts[:cut], x[:cut], detector=name), full[:cut])


@pytest.mark.parametrize("name", NAMES)
def test_chunked_with_state_roundtrip_equals_one_shot(name: str) -> None:
    ts, x = make_series(1400, seed=2)
    x[1000] += 25.0
    one = get_detector(name).update(ts, x)
    det = get_detector(name)
    parts, bounds = [], [0, 1, 7, 300, 301, 650, 999, 1001, 1400]
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        parts.append(det.update(ts[a:b], x[a:b]))
        state = json.loads(json.dumps(det.get_state()))
        det = get_detector(name, state=state) if a % 2 else Detector.from_state(state)
    for field in ("score", "expected", "lower", "upper", "is_anomaly"):
        chunked = np.concatenate([getattr(p, field) for p in parts])
        assert np.allclose(chunked, getattr(one, field)), field


@pytest.mark.parametrize("name", NAMES)
def test_state_is_bounded(name: str) -> None:
    ts, x = make_series(6000, seed=3)
    det = get_detector(name)
    det.update(ts, x)
    text = json.dumps(det.get_state(), allow_nan=False)
    assert len(text) < 200_000


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kind", ["spike", "shift"])
def test_anomaly_flagged_noise_mostly_not(name: str, kind: str) -> None:
    ts, x = make_series(2000, seed=4)
    at = 1600
    if kind == "spike":
        x[at] += 40.0
    else:
        x[at:] += 40.0
    res = get_detector(name).update(ts, x)
    assert res.score[at : at + 5].max() >= 0.5
    assert res.is_anomaly[at : at + 5].any()
    quiet = res.is_anomaly[800:1500]
    assert quiet.mean() < 0.02


@pytest.mark.parametrize("name", NAMES)
def test_sensitivity_is_monotonic(name: str) -> None:
    ts, x = make_series(1500, seed=5)
    x[1200] += 15.0
    counts = []
    for s in (0.0, 0.25, 0.5, 0.75, 1.0):
        det = get_detector(name, sensitivity=s)
        counts.append(int(det.update(ts, x).is_anomaly.sum()))
        assert 0.0 <= det.threshold <= 1.0
    assert counts == sorted(counts)
    with pytest.raises(ValueError):
        get_detector(name, sensitivity=1.5)


@pytest.mark.parametrize("name", NAMES)
def test_irregular_duplicate_and_unordered_timestamps(name: str) -> None:
    ts, x = make_series(900, seed=6)
    rng = np.random.default_rng(0)
    ts = [t + timedelta(seconds=int(s)) for t, s in zip(ts, rng.integers(0, 900, 900), strict=True)]
    ts[100] = ts[99]
    ts[200], ts[201] = ts[201], ts[200]
    x[300] = np.nan
    res = get_detector(name).update(ts, x)
    assert np.all(np.isfinite(res.score)) and len(res.score) == 900


@pytest.mark.parametrize("name", NAMES)
def test_timestamp_types(name: str) -> None:
    ts, x = make_series(400, seed=7)
    tz = ZoneInfo("Europe/Paris")
    aware = [t.replace(tzinfo=UTC).astimezone(tz) for t in ts]
    as64 = np.array(ts, dtype="datetime64[s]")
    a = score_series(ts, x, detector=name)
    assert np.allclose(score_series(as64, x, detector=name), a)
    assert np.all(np.isfinite(score_series(aware, x, detector=name)))


@pytest.mark.parametrize("name", NAMES)
def test_empty_input(name: str) -> None:
    res = get_detector(name).update([], np.array([]))
    assert len(res) == 0 and res.score.shape == (0,) and res.is_anomaly.shape == (0,)
    assert json.dumps(get_detector(name).get_state())


def test_dst_uses_wall_clock_hour() -> None:
    from alerts.detectors.base import to_time_info
    from alerts.detectors.mad import wall_buckets

    tz = ZoneInfo("Europe/Paris")
    winter = datetime(2024, 1, 15, 9, 0, tzinfo=tz)
    summer = datetime(2024, 7, 15, 9, 0, tzinfo=tz)
    info = to_time_info([winter, summer])
    assert wall_buckets(info.wall[0])[0] == wall_buckets(info.wall[1])[0] == "9"
    assert info.epoch[0] == winter.timestamp()


def test_rest_damps_exactly_the_scores_not_above_the_last_rest_scores() -> None:
    rng = np.random.default_rng(8)
    raw = rng.random(3000) ** 4
    rest = 37
    det = get_detector("mad_seasonal", rest=rest)
    out = np.concatenate([det._apply_rest(raw[a : a + 500]) for a in range(0, 3000, 500)])
    for i in range(len(raw)):
        past = raw[max(0, i - rest) : i]
        damped = len(past) > 0 and raw[i] <= past.max()
        assert out[i] == pytest.approx(raw[i] * 0.5 if damped else raw[i])
    assert len(det.state["rest_past"]) <= rest
