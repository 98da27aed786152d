"""Common machinery of Hydra's anomaly detectors (pure Python, never imports Django).

A detector is *stateful and incremental*: ``update(timestamps, values)`` scores only the
new points, using the history kept in its state, and ``get_state()`` returns a small
JSON-serialisable dict from which ``Detector.from_state`` rebuilds an identical detector.
Scoring a series in one call or in chunks with a state round trip in between gives the
same scores: every detector processes points strictly in arrival order and keeps all it
needs (bounded ring buffers, running sums) in its state.

Sensitivity → threshold
-----------------------
Every detector has a ``sensitivity`` in [0, 1] (default 0.5) and a class constant
``DEFAULT_THRESHOLD`` (the score threshold at sensitivity 0.5). The threshold is a
piecewise-linear, decreasing function of the sensitivity::

    sensitivity 0.0  -> threshold 1.0                (only saturated scores alarm)
    sensitivity 0.5  -> threshold DEFAULT_THRESHOLD
    sensitivity 1.0  -> threshold DEFAULT_THRESHOLD * MIN_THRESHOLD_FRACTION

so a higher sensitivity never flags fewer points.

Rest period (optional, every detector)
--------------------------------------
With ``rest > 0`` (a parameter, in points; a detector may derive it, see ``_rest_points``),
a score only passes if it is higher than every raw score of the previous ``rest`` points;
otherwise it is multiplied by ``damp`` (0.5 keeps it under the threshold at any sensitivity
<= 0.5). An alarm episode then alarms once, at its start — which is what on-call humans and
the NAB benchmark reward. The state keeps only the running maximum's candidates (a
monotonic queue of ``[point number, score]``), so a long rest costs little state.

State versions
--------------
A class whose state layout changes raises its ``STATE_VERSION``; a state saved by an older
version restores as a fresh detector (same sensitivity) that learns again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

import numpy as np

_EPOCH = datetime(1970, 1, 1)
_REGISTRY: dict[str, type[Detector]] = {}
STATE_VERSION = 2  # 2: rest kept as a monotonic queue


@dataclass
class DetectionResult:
    """Per-point output of ``Detector.update`` (all arrays have one entry per new point)."""

    score: np.ndarray
    expected: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    is_anomaly: np.ndarray

    def __len__(self) -> int:
        return len(self.score)


@dataclass
class TimeInfo:
    """Timestamps converted once: UTC epoch seconds and local wall-clock seconds."""

    epoch: np.ndarray  # float seconds since 1970 (UTC for aware input)
    wall: np.ndarray  # float seconds since 1970 of the *local wall clock* (DST-aware)


def _one_timestamp(t: Any) -> tuple[float, float]:
    """(epoch seconds, wall-clock seconds) of a datetime / pandas Timestamp / datetime64."""
    if isinstance(t, np.datetime64):
        s = float(t.astype("datetime64[us]").astype(np.int64)) / 1e6
        return s, s
    if not isinstance(t, datetime):
        raise TypeError(f"unsupported timestamp {t!r}")
    wall = (t.replace(tzinfo=None) - _EPOCH).total_seconds()
    if t.tzinfo is None or t.utcoffset() is None:
        return wall, wall
    return t.timestamp(), wall


def to_time_info(timestamps: Sequence[Any] | np.ndarray) -> TimeInfo:
    """Convert timestamps (datetimes, pandas Timestamps or datetime64) to a ``TimeInfo``."""
    if isinstance(timestamps, np.ndarray) and timestamps.dtype.kind == "M":
        s = timestamps.astype("datetime64[us]").astype(np.int64).astype(float) / 1e6
        return TimeInfo(s, s.copy())
    pairs = [_one_timestamp(t) for t in timestamps]
    arr = np.array(pairs, dtype=float).reshape(-1, 2)
    return TimeInfo(arr[:, 0].copy(), arr[:, 1].copy())


def sensitivity_to_threshold(
    sensitivity: float, default_threshold: float, min_fraction: float = 0.5
) -> float:
    """Piecewise-linear decreasing map sensitivity in [0, 1] → score threshold."""
    s = min(max(float(sensitivity), 0.0), 1.0)
    if s <= 0.5:
        return 1.0 + (default_threshold - 1.0) * (2.0 * s)
    low = default_threshold * min_fraction
    return default_threshold + (low - default_threshold) * (2.0 * s - 1.0)


class Detector:
    """Base class: subclasses set ``name``, ``DEFAULT_PARAMS`` and implement the hooks.

    Hooks: ``_init_state()`` (fresh state dict), ``_score(t, values)`` returning the
    arrays (score, expected, lower, upper) for the new points, and optionally
    ``_after_restore()`` to rebuild caches (e.g. a refitted model) from the state.
    """

    name: ClassVar[str] = ""
    DEFAULT_PARAMS: ClassVar[dict[str, Any]] = {}
    DEFAULT_THRESHOLD: ClassVar[float] = 0.5
    MIN_THRESHOLD_FRACTION: ClassVar[float] = 0.5
    STATE_VERSION: ClassVar[int] = STATE_VERSION

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            _REGISTRY[cls.name] = cls

    def __init__(self, sensitivity: float = 0.5, **params: Any) -> None:
        unknown = set(params) - set(self.DEFAULT_PARAMS)
        if unknown:
            raise TypeError(f"{self.name}: unknown parameters {sorted(unknown)}")
        self.set_sensitivity(sensitivity)
        self.params: dict[str, Any] = {**self.DEFAULT_PARAMS, **params}
        self.state: dict[str, Any] = {**self._init_state(), "rest_past": [], "rest_n": 0}

    # -- public API ---------------------------------------------------------------------

    def set_sensitivity(self, sensitivity: float) -> None:
        """Change the alarm sensitivity (in [0, 1]); the learned state is unaffected."""
        if not 0.0 <= float(sensitivity) <= 1.0:
            raise ValueError("sensitivity must be in [0, 1]")
        self.sensitivity = float(sensitivity)

    @property
    def threshold(self) -> float:
        """Score threshold derived from ``sensitivity`` (see the module docstring)."""
        return sensitivity_to_threshold(
            self.sensitivity, self.DEFAULT_THRESHOLD, self.MIN_THRESHOLD_FRACTION
        )

    def update(self, timestamps: Sequence[Any] | np.ndarray, values: Any) -> DetectionResult:
        """Score the new points (in order), updating the internal state."""
        x = np.asarray(values, dtype=float).reshape(-1)
        if len(x) != len(timestamps):
            raise ValueError(f"{len(timestamps)} timestamps for {len(x)} values")
        if len(x) == 0:
            e = np.zeros(0)
            return DetectionResult(e, e.copy(), e.copy(), e.copy(), np.zeros(0, dtype=bool))
        t = to_time_info(timestamps)
        score, expected, lower, upper = self._score(t, x)
        score = np.clip(np.nan_to_num(score, nan=0.0, posinf=1.0, neginf=0.0), 0.0, 1.0)
        if self._rest_points() > 0:
            score = self._apply_rest(score)
        return DetectionResult(score, expected, lower, upper, score >= self.threshold)

    def get_state(self) -> dict[str, Any]:
        """JSON-serialisable snapshot (detector name, parameters and internal state)."""
        return {
            "detector": self.name,
            "version": self.STATE_VERSION,
            "sensitivity": self.sensitivity,
            "params": dict(self.params),
            "state": _jsonable(self.state),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Detector:
        """Rebuild a detector from ``get_state()`` output (on any subclass or the base)."""
        target = _REGISTRY[state["detector"]]
        if cls is not Detector and not issubclass(target, cls):
            raise TypeError(f"state is for {target.__name__}, not {cls.__name__}")
        sensitivity = state.get("sensitivity", 0.5)
        if state.get("version", 1) != target.STATE_VERSION:
            return target(sensitivity=sensitivity)
        det = target(sensitivity=sensitivity, **state.get("params", {}))
        det.state = _jsonable(state["state"])
        det._after_restore()
        return det

    def _apply_rest(self, score: np.ndarray) -> np.ndarray:
        """Damp every score that does not beat all raw scores of the last ``rest`` points."""
        st, rest, damp = self.state, self._rest_points(), self.params["damp"]
        queue = st["rest_past"]  # [point number, score], scores strictly decreasing
        n = int(st.get("rest_n", 0))
        out = score.copy()
        for i, s in enumerate(score):
            while queue and queue[0][0] < n - rest:
                del queue[0]
            if queue and s <= queue[0][1]:
                out[i] = s * damp
            while queue and queue[-1][1] <= s:
                queue.pop()
            queue.append([n, float(s)])
            n += 1
        st["rest_n"] = n
        return out

    def _rest_points(self) -> int:
        """Length of the rest period in points (0: none)."""
        return int(self.params.get("rest", 0))

    # -- hooks ----------------------------------------------------------------------------

    def _init_state(self) -> dict[str, Any]:
        return {}

    def _after_restore(self) -> None:
        return None

    def _score(
        self, t: TimeInfo, x: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        raise NotImplementedError


def _jsonable(obj: Any) -> Any:
    """Deep copy into plain JSON types (lists, dicts, floats, ints, str, None)."""
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | np.ndarray):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        f = float(obj)
        return f if math.isfinite(f) else None
    return obj
