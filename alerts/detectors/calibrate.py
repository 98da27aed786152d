"""Per-feature score calibration: how unusual is this evidence *for this series*?

A rarity feature (``rarity.py``) says how rare a value is among past values, but its
scale depends on how much history backs it: a value never seen before under a key scores
``log10(total / alpha)``, the key's *cap*, which grows with the number of points behind
the key. A feature whose keys see few points (the time of day of an hourly series: one
point per bucket per day) then reaches its cap on ordinary noise, and the same noise
scores differently at 5 minutes and at an hour.

Calibration looks at each feature the way a running rank does:

* ``u = r / cap`` in [0, 1]: the evidence as a fraction of the strongest this key can
  give (1: a value never seen under the key), free of the history length;
* ``tail``: the share of the feature's past ``u`` (decaying, the detector's own memory)
  at or above this one, from a histogram of ``u`` in ``BINS`` bins; ``q = -log10`` of
  it, smoothed by ``prior`` pseudo-observations at the top: a feature that gives its
  strongest evidence every day stops alarming on it, one that never did alarms;
* the calibrated evidence is the mean of the raw rarity and ``q`` (both ``-log10`` of a
  probability: the geometric mean of the two probabilities), so an alarm needs a value
  that is rare *and* evidence this series rarely gives.

State: one ``rarity.py`` histogram per feature (key ``"all"``), JSON-ready.
"""

from __future__ import annotations

import math
from typing import Any

from .rarity import bin_of, decay, learn, new_histogram

BINS = 20


def new_calibrator() -> dict[str, Any]:
    """Empty histogram of ``u`` in [0, 1] (``BINS`` bins; 1 falls in the last one)."""
    return new_histogram(0.0, 1.0 / BINS)


def cap(total: float, alpha: float) -> float:
    """Rarity of a value never seen under a key with ``total`` (gain-free) weight."""
    return math.log10((total + alpha) / alpha)


def fraction(r: float, total: float, alpha: float) -> float:
    """``r`` as a fraction of the key's cap, in [0, 1] (0 when the key is empty)."""
    c = cap(total, alpha)
    return min(max(r / c, 0.0), 1.0) if c > 0 else 0.0


def tail_rarity(h: dict[str, Any], u: float, prior: float) -> float:
    """``-log10`` of the decayed share of past ``u`` at or above ``u`` (``prior``
    pseudo-observations at the top)."""
    table, g = h["counts"].get("all", {}), h["gain"]
    b = min(bin_of(h, u), BINS - 1)
    above = sum(c for k, c in table.items() if int(k) >= b) / g
    total = h["totals"].get("all", 0.0) / g
    return -math.log10((above + prior) / (total + prior))


def observe(h: dict[str, Any], u: float, half_life: float) -> None:
    """Learn ``u`` and advance the memory by one point."""
    decay(h, half_life)
    learn(h, "all", min(u, 1.0 - 1e-9))


def max_raw(h: dict[str, Any], cap_: float, target: float, prior: float) -> float:
    """The largest raw rarity whose calibrated evidence ``(r + q) / 2`` stays below
    ``target`` for a key of cap ``cap_`` (the evidence grows with ``r``): the bound the
    detector's normal band is drawn at."""
    table, g = h["counts"].get("all", {}), h["gain"]
    total = h["totals"].get("all", 0.0) / g
    above = 0.0
    for b in range(BINS - 1, -1, -1):
        above += table.get(str(b), 0.0) / g
        r = 2.0 * target + math.log10((above + prior) / (total + prior))
        if r > b / BINS * cap_:
            return min(r, (b + 1) / BINS * cap_) if b < BINS - 1 else r
    return 0.0
