"""When does a forecast curve cross a threshold?"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np

BOUNDS = ("yhat", "upper", "lower")
DIRECTIONS = (">", "<")


def _excess(curve: np.ndarray, threshold: float, direction: str) -> np.ndarray:
    """How far each point is beyond the threshold (> 0 means breached)."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    return curve - threshold if direction == ">" else threshold - curve


def time_to_breach(
    timestamps: Sequence[datetime],
    yhat: Sequence[float],
    lower: Sequence[float],
    upper: Sequence[float],
    threshold: float,
    direction: str = ">",
    bound: str = "yhat",
) -> datetime | None:
    """First time the chosen curve crosses ``threshold`` (None if it never does).

    ``direction=">"`` looks for the curve going above the threshold, ``"<"`` below it.
    ``bound`` picks the curve: the point forecast or an interval bound (``"upper"`` with
    ``">"`` gives the earliest plausible breach). Between two forecast points the curve
    is interpolated linearly; if the first point is already beyond, its time is returned.
    """
    curves = {"yhat": yhat, "upper": upper, "lower": lower}
    if bound not in curves:
        raise ValueError(f"bound must be one of {BOUNDS}, got {bound!r}")
    curve = np.asarray(curves[bound], dtype=float)
    if len(curve) != len(timestamps):
        raise ValueError("timestamps and forecast curves must have the same length")
    d = _excess(curve, float(threshold), direction)
    hits = np.flatnonzero(d > 0)
    if len(hits) == 0:
        return None
    i = int(hits[0])
    if i == 0:
        return timestamps[0]
    frac = float(-d[i - 1] / (d[i] - d[i - 1]))
    return timestamps[i - 1] + frac * (timestamps[i] - timestamps[i - 1])
