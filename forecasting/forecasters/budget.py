"""Time budget for ``auto``'s slow candidates (Prophet).

Prophet's fit costs 0.3-2.5 s on a few hundred to a thousand points (and importing it
1-2.5 s once per process), while the fast candidates' whole backtest costs ~0.5 s. A
slow candidate therefore joins ``auto``'s backtest only when its estimated cost (one fit
per backtest origin plus the final fit, and the import if it has not happened yet) fits
in what is left of the per-series budget; otherwise it is skipped and the reason is
recorded; the fast candidates' final fits are counted as one more backtest origin.
``BUDGET_SECONDS`` = 1.2 s is 1,000 series in 10 minutes on 2 cores.

The cost per fit is learnt in each process from the fits it has timed (a moving average of
seconds per history point), starting from ``INITIAL_SECONDS_PER_POINT``.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from typing import Any

#: Seconds one series' ``auto`` forecast may spend (1,000 series / 10 min / 2 cores).
BUDGET_SECONDS = 1.2
#: Candidates that are slow enough to need the budget, and the module their import loads.
SLOW: dict[str, str] = {"prophet": "prophet"}
INITIAL_SECONDS_PER_POINT = {"prophet": 1.0 / 1000}
#: Fits on fewer points are not learnt from (their fixed overhead dominates).
MIN_LEARN_POINTS = 200
IMPORT_SECONDS = {"prophet": 2.0}
#: Weight of the newest timing in the moving average.
LEARN = 0.3

_per_point: dict[str, float] = dict(INITIAL_SECONDS_PER_POINT)


def estimate(name: str, n: int, fits: int) -> float:
    """Estimated seconds for ``fits`` fits of ``name`` on ``n`` points (plus its import)."""
    cost = fits * _per_point.get(name, 0.0) * n
    if SLOW.get(name) and SLOW[name] not in sys.modules:
        cost += IMPORT_SECONDS.get(name, 0.0)
    return cost


def timed(name: str, n: int, fn: Callable[[], Any]) -> Any:
    """Run one fit of ``name`` on ``n`` points and learn its cost."""
    started = time.perf_counter()
    imported = SLOW.get(name, "") in sys.modules
    try:
        return fn()
    finally:
        if name in _per_point and imported and n >= MIN_LEARN_POINTS:
            seconds = (time.perf_counter() - started) / n
            _per_point[name] = (1 - LEARN) * _per_point[name] + LEARN * seconds


def affordable(
    name: str, n: int, fits: int, spent: float, budget: float | None, reserve: float = 0.0
) -> tuple[bool, str | None]:
    """Whether ``fits`` fits of ``name`` fit in ``budget`` (None: ``BUDGET_SECONDS``) after
    ``spent`` seconds, keeping ``reserve`` seconds for the rest; the reason when not."""
    budget = BUDGET_SECONDS if budget is None else budget
    if math.isinf(budget):
        return True, None
    need = estimate(name, n, fits)
    if spent + reserve + need <= budget:
        return True, None
    return False, (
        f"{name} not tried: its backtest would take ~{need:.1f} s, over the {budget:.1f} s "
        f"time budget ({spent:.1f} s already spent)"
    )
