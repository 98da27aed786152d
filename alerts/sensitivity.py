"""How "not an anomaly" feedback lowers a series' detection sensitivity. Pure Python.

Each dismissed anomaly of a series lowers the sensitivity its detectors run with by
``FEEDBACK_STEP`` (never below 0); un-dismissing one gives the step back. The base is the
highest sensitivity of the anomaly rules watching the series (``DEFAULT`` for a series
watched only through ``Series.watch``).
"""

from __future__ import annotations

from dataclasses import dataclass

FEEDBACK_STEP = 0.1
DEFAULT = 0.5


def effective_sensitivity(base: float, dismissed: int) -> float:
    return max(0.0, round(base - FEEDBACK_STEP * dismissed, 6))


@dataclass(frozen=True)
class Sensitivity:
    """A series' sensitivity as the pages show it."""

    base: float
    dismissed: int

    @property
    def effective(self) -> float:
        return effective_sensitivity(self.base, self.dismissed)

    @property
    def lowered(self) -> bool:
        return self.effective < self.base
