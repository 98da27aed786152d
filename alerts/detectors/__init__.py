"""Hydra's anomaly detectors (pure Python: numpy / scipy / scikit-learn, never Django).

det = get_detector("hydra", sensitivity=0.5)
res = det.update(timestamps, values)        # scores the new points only
state = det.get_state()                     # JSON-serialisable, bounded size
det = get_detector("hydra", state=state)    # or Detector.from_state(state)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .base import DetectionResult, Detector, sensitivity_to_threshold
from .hydra import HydraDetector
from .iforest import IsolationForestDetector
from .mad import MadSeasonalDetector
from .zscore import ZScoreDetector

DETECTORS: dict[str, type[Detector]] = {
    cls.name: cls
    for cls in (ZScoreDetector, MadSeasonalDetector, IsolationForestDetector, HydraDetector)
}
DEFAULT_DETECTOR = "hydra"

__all__ = [
    "DEFAULT_DETECTOR",
    "DETECTORS",
    "DetectionResult",
    "Detector",
    "get_detector",
    "score_series",
    "sensitivity_to_threshold",
]


def get_detector(
    name: str | None = None, state: dict[str, Any] | None = None, **params: Any
) -> Detector:
    """A fresh detector ``name`` (default ``DEFAULT_DETECTOR``), or one restored from state.

    With ``state``, the only parameter accepted is ``sensitivity`` (it changes the alarm
    threshold, not the learned state); other parameters live in the state itself — to
    change them, start a fresh detector.
    """
    if state is not None:
        if name is not None and state.get("detector") != name:
            raise ValueError(f"state is for {state.get('detector')!r}, not {name!r}")
        extra = set(params) - {"sensitivity"}
        if extra:
            raise TypeError(f"cannot change {sorted(extra)} of a restored detector")
        det = Detector.from_state(state)
        if "sensitivity" in params:
            det.set_sensitivity(params["sensitivity"])
        return det
    key = name or DEFAULT_DETECTOR
    if key not in DETECTORS:
        raise KeyError(f"unknown detector {key!r}; known: {sorted(DETECTORS)}")
    return DETECTORS[key](**params)


def score_series(
    timestamps: Any, values: Any, detector: str | None = None, **params: Any
) -> np.ndarray:
    """Scores in [0, 1] of a whole series with a fresh detector (one ``update`` call)."""
    return get_detector(detector, **params).update(timestamps, values).score
