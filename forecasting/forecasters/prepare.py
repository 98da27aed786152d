"""Data preparation: regular grid, gaps, level shifts and non-negativity.

``prepare_series`` turns raw (possibly irregular, unsorted, gappy) samples into the
regular series the models expect, and says when the result is too shaky for a
precise-looking forecast (``reliable=False`` plus human-readable ``reasons``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

#: A gap longer than this fraction of the history, or than one season, makes the
#: forecast unreliable.
GAP_FRACTION = 0.10
#: Robust z-score of a block-mean jump that counts as a level shift.
SHIFT_THRESHOLD = 8.0
#: Blocks (seasons) a new level must have lasted: a week of days, so that a weekend
#: or a holiday is not mistaken for a shift.
MIN_BLOCKS_AFTER = 7
#: Share of the blocks after a shift that must stay at the new level.
PERSISTENCE = 0.9
#: Points needed after a level shift to forecast from the new level only.
MIN_AFTER_SHIFT = 30


@dataclass
class PreparedSeries:
    """A regular series on a ``step`` grid plus what preparation found."""

    timestamps: list[datetime]
    values: np.ndarray
    nonnegative: bool
    reliable: bool = True
    reasons: list[str] = field(default_factory=list)
    info: dict = field(default_factory=dict)


def resample(timestamps: Sequence[datetime], values: Sequence[float], step: timedelta) -> pd.Series:
    """Mean per ``step`` bucket (aligned on the Unix epoch); empty buckets are NaN."""
    s = pd.Series(np.asarray(values, dtype=float), index=pd.DatetimeIndex(timestamps))
    s = s[np.isfinite(s.to_numpy())].sort_index()
    if s.empty:
        raise ValueError("no finite values to forecast from")
    return s.resample(pd.Timedelta(step), origin="epoch").mean()


def gap_runs(v: np.ndarray) -> list[tuple[int, int]]:
    """(start index, length) of each run of NaN."""
    isnan = np.r_[False, np.isnan(v), False].astype(int)
    edges = np.flatnonzero(np.diff(isnan))
    return [(int(a), int(b - a)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def describe_gaps(v: np.ndarray, step: timedelta, season: int | None) -> list[str]:
    """Reasons for every gap that is too long to interpolate credibly."""
    limit = GAP_FRACTION * len(v)
    if season:
        limit = min(limit, season)
    return [
        f"data missing for {length * step} from bucket {start} of {len(v)} "
        f"({length / len(v):.0%} of the history); interpolated, so the forecast is uncertain"
        for start, length in gap_runs(v)
        if length > limit
    ]


def interpolate(v: np.ndarray) -> np.ndarray:
    """Linear interpolation over NaN runs (ends are never NaN after resampling)."""
    idx = np.arange(len(v))
    ok = ~np.isnan(v)
    return np.interp(idx, idx[ok], v[ok])


def detect_level_shift(v: np.ndarray, season: int | None) -> int | None:
    """Start index of a large, persistent level shift in the recent half, or None.

    Compares the means of up to three blocks (one season long) on either side of each
    block boundary, corrected for the typical block-to-block trend, against the robust
    spread of block-to-block changes; the new level must persist to the end.
    """
    w = max(season or 1, 12)
    blocks = v[len(v) % w :].reshape(-1, w).mean(axis=1)
    if len(blocks) < 8:
        return None
    d = np.diff(blocks)
    scale = max(
        1.4826 * float(np.median(np.abs(d - np.median(d)))), 1e-3 * float(np.mean(np.abs(v)))
    )
    best, best_stat = None, SHIFT_THRESHOLD
    for j in range(len(blocks) // 2, len(blocks) - MIN_BLOCKS_AFTER + 1):
        before, after = blocks[max(0, j - 3) : j], blocks[j : j + 3]
        lag = (len(before) + len(after)) / 2.0
        stat = abs(after.mean() - before.mean() - lag * np.median(d)) / (scale or 1e-12)
        if stat > best_stat and persists(blocks, j):
            best, best_stat = j, stat
    return None if best is None else len(v) % w + best * w


def persists(blocks: np.ndarray, j: int) -> bool:
    """Do (nearly) all blocks from ``j`` on stay past the midpoint of the jump?

    Rules out temporary excursions such as a weekend dip or a one-day incident.
    """
    before = blocks[max(0, j - 3) : j].mean()
    after = blocks[j : j + 3].mean()
    side = np.sign(after - before) * (blocks[j:] - (before + after) / 2.0)
    return bool(np.mean(side > 0) >= PERSISTENCE)


def prepare_series(
    timestamps: Sequence[datetime],
    values: Sequence[float],
    step: timedelta,
    season: int | None = None,
) -> PreparedSeries:
    """Resample, flag long gaps, interpolate, and cut the history at a recent level shift."""
    if len(timestamps) != len(values):
        raise ValueError("timestamps and values must have the same length")
    if step <= timedelta(0):
        raise ValueError(f"step must be a positive timedelta, got {step!r}")
    s = resample(timestamps, values, step)
    raw = s.to_numpy()
    reasons = describe_gaps(raw, step, season)
    v = interpolate(raw)
    times = list(s.index.to_pydatetime())
    info: dict = {"gaps": len(gap_runs(raw)), "missing_buckets": int(np.isnan(raw).sum())}
    shift = detect_level_shift(v, season)
    if shift is not None:
        info["level_shift_at"] = times[shift].isoformat()
        if len(v) - shift >= max(MIN_AFTER_SHIFT, 3 * (season or 1)):
            v, times = v[shift:], times[shift:]
            info["history_used_from"] = times[0].isoformat()
        else:
            reasons.append(f"level shift at {times[shift]:%Y-%m-%d %H:%M}: too little data since")
    nonneg = bool(np.nanmin(raw) >= 0)
    return PreparedSeries(times, v, nonneg, reliable=not reasons, reasons=reasons, info=info)


#: Steps a forecast may use when its config leaves the step to the data (each divides a day).
STEP_LADDER = (10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200)
#: History points a chosen step aims for: 14 days of data give hourly steps, one day
#: 5-minute steps, a few hours 1-minute steps.
TARGET_POINTS = 240
#: The most steps ahead a forecast may make (spec.MAX_STEPS).
MAX_HORIZON_STEPS = 2016
#: A horizon left to the data is at most this share of the history (a backtest needs
#: several horizon-long windows) and at most a day.
HORIZON_SHARE = 0.25
MAX_AUTO_HORIZON = 86400


def choose_step(resolution_s: float, span_s: float, horizon_s: int | None = None) -> int:
    """The step (seconds) to forecast a series sampled every ``resolution_s`` seconds whose
    history spans ``span_s``: the coarsest ladder step no finer than the data that still
    leaves ``TARGET_POINTS`` history points (the finest such step if none does), dividing
    ``horizon_s`` when given, with at most ``MAX_HORIZON_STEPS`` steps ahead."""
    usable = [
        s
        for s in STEP_LADDER
        if s >= resolution_s
        and (horizon_s is None or (horizon_s % s == 0 and horizon_s // s <= MAX_HORIZON_STEPS))
    ]
    if not usable:
        return horizon_s if horizon_s else STEP_LADDER[-1]
    enough = [s for s in usable if span_s / s >= TARGET_POINTS]
    return max(enough) if enough else min(usable)


def choose_horizon(span_s: float, step_s: int) -> int:
    """A horizon (seconds) the history can back: a quarter of it, at most a day, whole
    steps, at least one step."""
    steps = int(min(span_s * HORIZON_SHARE, MAX_AUTO_HORIZON) // step_s)
    return max(1, min(steps, MAX_HORIZON_STEPS)) * step_s
