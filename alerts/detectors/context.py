"""Context novelty: how surprising is the current run of quantised values, given the past.

Representation (scale-free): after ``warmup`` points the value range is learned from
robust quantiles of the warm-up values and frozen; each value becomes a bin number
``floor((x - lo) / width)`` (bins outside the learned range are simply new numbers).
The series of bins is run-length encoded into *tokens* ``bin:log2(run length)``: a new
token appears whenever the bin changes or the current run doubles in length, so slow
series are not dominated by endless repeats and "stuck for unusually long" is a new token.

Novelty (inspired by the contexts of CAD OSE, written from scratch): for each order
``k = 1..max_order`` the context is the last ``k`` completed runs; we count how often each
token followed each context. A new token's novelty is the mean over orders of
``1 - P(token | context)`` (a never-seen context counts as fully novel). Points where no
new token appears have novelty 0. Counts are kept in a bounded dict: when it grows past
``max_entries`` all counts are halved and zeros dropped (old, rare contexts fade out).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def new_context_state() -> dict[str, Any]:
    """Fresh state for ``context_step``."""
    return {
        "warm": [],
        "lo": None,
        "width": None,
        "bin": None,
        "run": 0,
        "tok": "",
        "hist": [],
        "counts": {},
    }


def freeze_quantiser(st: dict[str, Any], levels: int, q: float) -> None:
    """Learn ``lo`` / ``width`` from the warm-up values, then drop them."""
    w = np.asarray(st["warm"], dtype=float)
    lo, hi = float(np.quantile(w, q)), float(np.quantile(w, 1.0 - q))
    span = hi - lo
    if span <= 0:
        span = max(abs(hi), 1.0) * 1e-3
    st["lo"], st["width"], st["warm"] = lo - 0.5 * span / levels, span / levels, []


def _bump(counts: dict[str, int], key: str, max_entries: int) -> None:
    counts[key] = counts.get(key, 0) + 1
    if len(counts) > max_entries:
        for k in list(counts):
            counts[k] //= 2
            if counts[k] == 0:
                del counts[k]


def _novelty(st: dict[str, Any], tok: str, max_order: int, max_entries: int) -> float:
    """Score ``tok`` against every context order, then learn it."""
    hist, counts = st["hist"], st["counts"]
    total = 0.0
    orders = range(1, max_order + 1)
    for k in orders:
        ctx = "|".join(hist[-k:]) if len(hist) >= k else "^" + "|".join(hist)
        c_ctx = counts.get(ctx, 0)
        c_tok = counts.get(ctx + ">" + tok, 0)
        total += 1.0 - (c_tok / c_ctx if c_ctx else 0.0)
        _bump(counts, ctx, max_entries)
        _bump(counts, ctx + ">" + tok, max_entries)
    return total / len(orders)


def context_step(
    st: dict[str, Any],
    x: float,
    warmup: int = 300,
    levels: int = 8,
    q: float = 0.01,
    max_order: int = 4,
    max_entries: int = 1500,
) -> float:
    """Consume one value, return its novelty in [0, 1] (0 during warm-up)."""
    if st["lo"] is None:
        st["warm"].append(float(x))
        if len(st["warm"]) >= warmup:
            freeze_quantiser(st, levels, q)
        return 0.0
    b = int(math.floor((x - st["lo"]) / st["width"]))
    b = max(-10 * levels, min(11 * levels, b))
    if b != st["bin"]:
        if st["tok"]:
            st["hist"] = (st["hist"] + [st["tok"]])[-max_order:]
        st["bin"], st["run"] = b, 0
    st["run"] += 1
    tok = f"{b}:{int(math.log2(st['run']))}"
    if tok == st["tok"]:
        return 0.0
    st["tok"] = tok
    return _novelty(st, tok, max_order, max_entries)
