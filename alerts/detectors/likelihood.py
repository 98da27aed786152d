"""Anomaly likelihood: turn a stream of raw anomaly scores into a calibrated tail score.

Idea (Ahmad et al. 2017, "Unsupervised real-time anomaly detection for streaming data"):
a raw score that is often high on a noisy series says little; what matters is whether
the *recent* raw scores are unusually high compared to the series' own history.

For every point we average the last ``short`` raw scores, and model the long-term
distribution of that average as a Gaussian whose mean and variance are running
averages (exact mean for the first ``memory`` points, then exponential forgetting with
time constant ``memory``). The tail probability ``q = P(avg >= observed)`` is mapped to
a score ``min(1, -log10(q) / decades)``, so ``score = 0.5`` means ``q = 10**(-decades/2)``.
The standard deviation has a floor (``min_std``) so that a long run of identical raw
scores does not make the next tiny change look infinitely unlikely.

All state is a plain dict of floats/lists, updated point by point (chunk-invariant).
"""

from __future__ import annotations

import math
from typing import Any


def new_likelihood_state() -> dict[str, Any]:
    """Fresh state for ``likelihood_step``."""
    return {"recent": [], "n": 0, "mean": 0.0, "var": 0.0}


def gaussian_tail(z: float) -> float:
    """P(Z >= z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def likelihood_step(
    st: dict[str, Any],
    raw: float,
    short: int = 10,
    memory: int = 2000,
    min_std: float = 0.05,
    decades: float = 10.0,
    warmup: int = 100,
) -> float:
    """Consume one raw score in [0, 1]; return the likelihood score in [0, 1]."""
    recent = st["recent"]
    recent.append(float(raw))
    if len(recent) > short:
        del recent[0]
    avg = sum(recent) / len(recent)
    n, mean, var = st["n"], st["mean"], st["var"]
    score = 0.0
    if n >= warmup:
        std = max(math.sqrt(var), min_std)
        q = gaussian_tail((avg - mean) / std)
        score = min(1.0, -math.log10(max(q, 1e-300)) / decades)
    rate = 1.0 / min(n + 1, memory)
    delta = avg - mean
    st["mean"] = mean + rate * delta
    st["var"] = (1.0 - rate) * (var + rate * delta * delta)
    st["n"] = n + 1
    return score
