"""Decaying histograms that say how *rare* a value is, as ``-log10`` of its probability.

A histogram has fixed bins (``lo`` + k * ``width``, learned once from warm-up data) and
one count table per *key* (e.g. one per hour of the day). The rarity of ``x`` under a
key is ``-log10((c + alpha) / (total + alpha))`` where ``c`` is the count of x's bin
plus half the counts of the two neighbouring bins: about 0 for common values, and
``log10(total / alpha)`` for a value never seen before, so more history makes an unseen
value more surprising, and a key with little history cannot raise a strong alarm.

Old observations fade out with a half-life of ``half_life`` points (all keys decay
together). Instead of multiplying every count at each point, new observations are added
with a weight ``gain`` that grows by ``2 ** (1 / half_life)`` per point; the tables are
divided by ``gain`` (and tiny counts dropped) when it exceeds ``RENORM_AT``. The result
is identical whether points arrive one by one or in chunks.

When the values ever seen span more than ``max_bins`` bins (the warm-up range was not
representative, e.g. a quiet start), the bin width doubles by merging pairs of bins, so
a series that is simply more variable than its warm-up stops looking rare everywhere.

State: plain dicts of floats with string keys (JSON-ready). Bins are clamped to
``[-MAX_BINS, MAX_BINS]`` so the tables stay small.
"""

from __future__ import annotations

import math
from typing import Any

RENORM_AT = 1e6
MAX_BINS = 400
MIN_COUNT = 1e-4


def new_histogram(lo: float, width: float) -> dict[str, Any]:
    """Empty histogram with bins ``[lo + k * width, lo + (k + 1) * width)``."""
    return {
        "lo": float(lo),
        "width": float(width),
        "gain": 1.0,
        "counts": {},
        "totals": {},
        "bmin": None,
        "bmax": None,
    }


def bin_of(h: dict[str, Any], x: float) -> int:
    """Bin index of ``x`` (clamped)."""
    b = math.floor((x - h["lo"]) / h["width"])
    return int(max(-MAX_BINS, min(MAX_BINS, b)))


def rarity(h: dict[str, Any], key: str, x: float, alpha: float = 0.01) -> float:
    """``-log10`` of the smoothed probability of ``x``'s bin under ``key`` (no learning)."""
    table = h["counts"].get(key, {})
    b = bin_of(h, x)
    c = table.get(str(b), 0.0) + 0.5 * (table.get(str(b - 1), 0.0) + table.get(str(b + 1), 0.0))
    g = h["gain"]
    return -math.log10((c / g + alpha) / (h["totals"].get(key, 0.0) / g + alpha))


def learn(h: dict[str, Any], key: str, x: float, max_bins: int = 0) -> None:
    """Add ``x`` under ``key`` with the current gain; widen bins past ``max_bins`` if > 0."""
    table = h["counts"].setdefault(key, {})
    b = bin_of(h, x)
    table[str(b)] = table.get(str(b), 0.0) + h["gain"]
    h["totals"][key] = h["totals"].get(key, 0.0) + h["gain"]
    h["bmin"] = b if h["bmin"] is None else min(h["bmin"], b)
    h["bmax"] = b if h["bmax"] is None else max(h["bmax"], b)
    while max_bins and h["bmax"] - h["bmin"] > max_bins:
        _widen(h)


def _widen(h: dict[str, Any]) -> None:
    """Double the bin width by merging bins ``2k`` and ``2k + 1`` (exact re-binning)."""
    for key, table in h["counts"].items():
        merged: dict[str, float] = {}
        for b, c in table.items():
            nb = str(int(b) // 2)
            merged[nb] = merged.get(nb, 0.0) + c
        h["counts"][key] = merged
    h["width"] *= 2.0
    h["bmin"], h["bmax"] = h["bmin"] // 2, h["bmax"] // 2


def decay(h: dict[str, Any], half_life: float) -> None:
    """Advance time by one point: older observations lose weight."""
    h["gain"] *= 2.0 ** (1.0 / half_life)
    if h["gain"] > RENORM_AT:
        _renormalise(h)


def _renormalise(h: dict[str, Any]) -> None:
    g = h["gain"]
    for table in h["counts"].values():
        for b in list(table):
            table[b] /= g
            if table[b] < MIN_COUNT:
                del table[b]
    for key in h["totals"]:
        h["totals"][key] /= g
    h["gain"] = 1.0


def normal_range(h: dict[str, Any], key: str, max_rarity: float, alpha: float = 0.01) -> tuple:
    """(low, high) edges of the bins of ``key`` whose rarity is below ``max_rarity``."""
    table = h["counts"].get(key, {})
    ok = [int(b) for b in table if rarity(h, key, _centre(h, int(b)), alpha) < max_rarity]
    if not ok:
        return None, None
    return h["lo"] + min(ok) * h["width"], h["lo"] + (max(ok) + 1) * h["width"]


def _centre(h: dict[str, Any], b: int) -> float:
    return h["lo"] + (b + 0.5) * h["width"]
