"""Hydra's default detector: how rare is this point, given everything seen so far?

Time, not point counts: the warm-up, the rest period and the memory are durations
(``warmup_s``, ``rest_s``, ``half_life_s``: a day, a day, four weeks), turned into point
counts at the end of the warm-up from the median sampling step seen in it. A series
sampled every hour and one sampled every 5 minutes then learn over the same day and forget
over the same weeks (fixed point counts made the detector lose ~20 NAB points when the DEV
series are merely resampled: ``bench/nab_cv.py --resample``).

Scale-free representation: the warm-up (a day of points, at least ``warmup_min``; at
most ``warmup_max``, so a 10-second series warms up in 50 minutes, not a day) only
teaches the detector the typical range of the series (its min and max) and of its
point-to-point changes; the bin width of every histogram is that range divided by
``resolution``. Values outside the range simply land in new bins; once the values seen
span more than ``max_span`` warm-up ranges, the bins are merged pairwise (width doubled)
so that a series that is just more variable than its warm-up does not look rare
everywhere.

Raw evidence, for each point (see ``rarity.py``), as ``-log10`` of a probability:

* ``value``: rarity of the value among all past values (new levels, spikes, drops);
* ``time_of_day``: rarity of the value among past values seen at the same local
  wall-clock time of day (``tod_bucket`` seconds wide, DST-aware with tz-aware
  timestamps) — a normal level at an abnormal hour, a missing daily peak;
* ``change``: rarity of ``|x_t - x_{t-1}|`` among past changes (sudden jumps);
* ``sequence`` (opt-in, not in the default ``features``): rarity of the value among past
  values that followed the same *context*, the coarse levels (``coarse`` bins wide) of
  the previous ``context`` points — a small sequence memory in the spirit of HTM and CAD
  OSE: a value that is normal on its own but has never followed what just happened. It
  made the NAB DEV score more robust to resampling (+1.9 on average over 1-4x) but not at
  the native step (-0.7), within noise, and it alarms on the second day of a clean daily
  pattern (a transition seen once), so it is not on by default.

Calibration (``calibrate.py``, on by default: ``calibrate`` = 10 pseudo-observations; 0
turns it off): each feature's rarity is averaged with how rarely *this series* gave that
feature's evidence before (a running, decaying rank of the rarity as a fraction of its
cap), so a feature that reaches its cap on ordinary noise (the time of day of an hourly
series) stops alarming on it and the score means the same at 5 minutes and at an hour.
It needs history: an hourly series alarms on a lone spike at sensitivity 0.5 after about
two weeks (0.75: after the warm-up day); a 5-minute one after its warm-up day. NAB DEV,
cross-validated: +5.8 at the native step, +3 to +6 resampled 3-4x (README).

The evidence is the maximum over the enabled ``features``, ``r``, squashed to ``r / (r + 1)`` in [0, 1):
a score of 0.74 means "a 1 in 10**2.8 event". Histograms forget with a half-life of
``half_life_s`` seconds, so the detector adapts to lasting changes.

Rest period (``base.py``): only the first alarm of an episode matters (to NAB and to
on-call humans), so a score passes only if it is higher than every score of the previous
``rest_s`` seconds' points; otherwise it is multiplied by ``damp``. Scores during the
warm-up are 0. ``expected`` is the median of the last ``recent`` values and
``[lower, upper]`` the range of values the value histogram does not consider rare at the
detector's threshold (raw, uncalibrated rarity).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from .base import Detector, TimeInfo
from .calibrate import cap, fraction, max_raw, new_calibrator, observe, tail_rarity
from .rarity import decay, learn, new_histogram, normal_range, rarity

FEATURES = ("value", "time_of_day", "change")  # + "sequence", opt-in
DAY = 86400


class HydraDetector(Detector):
    """Default detector (see module docstring)."""

    name: ClassVar[str] = "hydra"
    DEFAULT_THRESHOLD: ClassVar[float] = 0.738
    STATE_VERSION: ClassVar[int] = 4  # 3: time-based warm-up, rest, memory; 4: calibrated
    DEFAULT_PARAMS: ClassVar[dict[str, Any]] = {
        "warmup_s": DAY,
        "warmup_min": 24,
        "warmup_max": 300,
        "resolution": 15,
        "max_span": 4,
        "half_life_s": 28 * DAY,
        "tod_bucket": 3600,
        "alpha": 0.01,
        "rest_s": DAY,
        "damp": 0.5,
        "recent": 16,
        "context": 2,
        "coarse": 15,
        "features": list(FEATURES),
        "calibrate": 10.0,
    }

    @property
    def threshold(self) -> float:
        """Threshold in rarity units ``r_thr = r_default * 4 ** (0.5 - sensitivity)``.

        ``r_default`` = 2.82 (score 0.738, the NAB-optimal threshold of the calibrated
        evidence, the mean of two ``-log10`` probabilities, see ``calibrate.py``):
        sensitivity 0 needs ``r >= 5.6`` (practically silent), 0.25 → 4.0, 0.5 → 2.82,
        0.75 → 2.0, 1 → 1.4.
        """
        r_default = self.DEFAULT_THRESHOLD / (1.0 - self.DEFAULT_THRESHOLD)
        r_thr = r_default * 4.0 ** (0.5 - self.sensitivity)
        return r_thr / (r_thr + 1.0)

    def _init_state(self) -> dict[str, Any]:
        return {
            "warm": [],
            "hists": None,
            "last": None,
            "recent": [],
            "context": [],
            "half_life_n": None,
        }

    def _rest_points(self) -> int:
        return int(self.state.get("rest_points", 0))

    def _score(
        self, t: TimeInfo, x: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        out = np.zeros((4, len(x)))
        for i, (wall, v) in enumerate(zip(t.wall, x, strict=True)):
            out[:, i] = self._step(float(wall), float(v))
        return out[0], out[1], out[2], out[3]

    def _step(self, wall: float, v: float) -> tuple[float, float, float, float]:
        st = self.state
        if not math.isfinite(v):
            return 0.0, v, v, v
        expected = self._expected(v)
        if st["hists"] is None:
            st["warm"].append([wall, v])
            if self._warm_enough():
                self._finish_warmup()
            return 0.0, expected, expected, expected
        r = self._evidence(wall, v, learn_only=False)
        lower, upper = self._band(expected)
        return r / (r + 1.0), expected, lower, upper

    def _warm_enough(self) -> bool:
        """A day of points (at least ``warmup_min``), or ``warmup_max`` points."""
        warm, p = self.state["warm"], self.params
        if len(warm) >= p["warmup_max"]:
            return True
        return len(warm) >= p["warmup_min"] and warm[-1][0] - warm[0][0] >= p["warmup_s"]

    def _finish_warmup(self) -> None:
        """Freeze the bins and the time constants from the warm-up points, then learn them."""
        warm = np.asarray(self.state["warm"], dtype=float)
        step = _step_seconds(warm[:, 0], self.params["warmup_s"])
        self.state["half_life_n"] = max(1.0, self.params["half_life_s"] / step)
        self.state["rest_points"] = max(1, round(self.params["rest_s"] / step))
        res = float(self.params["resolution"])
        span = _span(warm[:, 1])
        lo = float(warm[:, 1].min()) - span / 2
        changes = np.abs(np.diff(warm[:, 1]))
        dspan = max(float(changes.max()) if len(changes) else 0.0, span * 1e-6)
        self.state["hists"] = {
            "value": new_histogram(lo, span / res),
            "time_of_day": new_histogram(lo, span / res),
            "change": new_histogram(0.0, dspan / res),
        }
        if "sequence" in self.params["features"]:
            self.state["hists"]["sequence"] = new_histogram(lo, span / res)
        self.state["warm"] = []
        for wall, v in warm:
            self._evidence(float(wall), float(v), learn_only=True)

    def _evidence(self, wall: float, v: float, learn_only: bool) -> float:
        """Max rarity over the enabled features; learns the point afterwards."""
        st, p = self.state, self.params
        last = st["last"]
        obs: dict[str, tuple[str | None, float]] = {
            "value": ("all", v),
            "time_of_day": (str(int((wall % 86400.0) // p["tod_bucket"])), v),
            "change": ("all", abs(v - last) if last is not None else 0.0),
        }
        seq = "sequence" in st["hists"]
        if seq:
            obs["sequence"] = (self._context_key(), v)
            level = self._coarse_level(v)  # before the bins widen for v
        r = 0.0
        for name, h in st["hists"].items():
            key, val = obs[name]
            if key is None:
                continue
            if name in p["features"] and (not learn_only or p["calibrate"]):
                r = max(r, self._feature(name, h, key, val))
            decay(h, st["half_life_n"])
            learn(h, key, val, p["max_span"] * p["resolution"])
        st["last"] = v
        if seq:
            st["context"] = (st["context"] + [level])[-p["context"] :]
        return r

    def _feature(self, name: str, h: dict[str, Any], key: str, val: float) -> float:
        """Rarity of ``val`` under ``key``; calibrated (``calibrate.py``) when asked."""
        alpha, prior = self.params["alpha"], self.params["calibrate"]
        r = rarity(h, key, val, alpha)
        if not prior:
            return r
        cal = self.state.setdefault("cal", {}).setdefault(name, new_calibrator())
        u = fraction(r, h["totals"].get(key, 0.0) / h["gain"], alpha)
        q = tail_rarity(cal, u, prior)
        observe(cal, u, self.state["half_life_n"])
        return (r + q) / 2.0

    def _context_key(self) -> str | None:
        """The coarse levels of the previous ``context`` points ("3,4"), None before."""
        ctx = self.state["context"]
        return ",".join(map(str, ctx)) if len(ctx) == self.params["context"] else None

    def _coarse_level(self, v: float) -> int:
        h = self.state["hists"]["value"]
        return math.floor((v - h["lo"]) / (h["width"] * self.params["coarse"]))

    def _expected(self, v: float) -> float:
        """Median of the last ``recent`` values (before ``v``); ``v`` itself at the start."""
        recent = self.state["recent"]
        med = float(np.median(recent)) if recent else v
        recent.append(v)
        if len(recent) > self.params["recent"]:
            del recent[0]
        return med

    def _band(self, expected: float) -> tuple[float, float]:
        """Values whose (calibrated) value evidence stays under the threshold (NaN-free)."""
        thr = min(self.threshold, 0.999)
        h, alpha = self.state["hists"]["value"], self.params["alpha"]
        r_thr = thr / (1.0 - thr)
        cal = self.state.get("cal", {}).get("value")
        if cal is not None:
            key_cap = cap(h["totals"].get("all", 0.0) / h["gain"], alpha)
            r_thr = max_raw(cal, key_cap, r_thr, self.params["calibrate"])
        lo, hi = normal_range(h, "all", r_thr, alpha)
        if lo is None:
            return expected, expected
        return min(lo, expected), max(hi, expected)


def _step_seconds(walls: np.ndarray, warmup_s: float) -> float:
    """Median positive gap between warm-up points (its duration / points if none is > 0)."""
    gaps = np.diff(walls)
    gaps = gaps[gaps > 0]
    return float(np.median(gaps)) if len(gaps) else warmup_s / max(len(walls), 1)


def _span(values: np.ndarray) -> float:
    """Range of the warm-up values, never 0 (a flat warm-up gets a tiny relative span)."""
    span = float(values.max() - values.min())
    return max(span, 1e-9 * max(1.0, float(np.abs(values).max())), 1e-12)
