"""Data sets of the storage benchmarks (bench/storage_codecs.py, bench/storage.py).

- ``cpu_grid``: the issue's benchmark dataset, ``series`` × ``points`` at 10 s, 2-decimal
  CPU-like values (a per-series level, a daily cycle, Gaussian noise, clipped to 0..100);
- ``nab_series``: the NAB dev subset's values (``../shared/data/nab-dev``) at their own
  timestamps (5 min to 1 h apart, some irregular);
- ``simulator_series``: the demo simulator's 8 metrics of a few hosts at 10 s.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

US = 1_000_000
STEP_US = 10 * US
REPO = Path(__file__).resolve().parents[1]
#: ``shared/`` sits beside the repository (CI) or beside the worktrees' folder
SHARED = next(
    (p / "shared" for p in (REPO.parent, REPO.parent.parent) if (p / "shared").is_dir()),
    REPO.parent / "shared",
)
NAB = SHARED / "data" / "nab-dev" / "data"


def cpu_values(first: int, count: int, points: int, seed: int = 7) -> np.ndarray:
    """Rows ``first``..``first+count`` of the CPU-like grid (deterministic per series)."""
    t = np.arange(points) * STEP_US / US
    rows = []
    for s in range(first, first + count):
        rng = np.random.default_rng(seed * 1_000_003 + s)
        level, swing, phase = rng.uniform(10, 60), rng.uniform(0.1, 0.5), rng.uniform(0, 86_400)
        daily = level * (1 + swing * np.sin(2 * np.pi * (t + phase) / 86_400))
        rows.append(np.clip(np.round(daily + rng.normal(0, 3, points), 2), 0, 100))
    return np.asarray(rows, dtype=np.float64).reshape(count, points)


def grid_timestamps(points: int, end_us: int) -> np.ndarray:
    start = (end_us // STEP_US) * STEP_US - points * STEP_US
    return start + np.arange(points, dtype=np.int64) * STEP_US


def nab_series(root: Path = NAB) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
    for path in sorted(root.glob("*/*.csv")):
        ts, values = [], []
        with path.open() as fh:
            for row in csv.DictReader(fh):
                when = datetime.fromisoformat(row["timestamp"]).replace(tzinfo=UTC)
                ts.append(int(when.timestamp()) * US)
                values.append(float(row["value"]))
        yield path.stem, np.asarray(ts, dtype=np.int64), np.asarray(values, dtype=np.float64)


def simulator_series(
    hosts: int = 3, points: int = 8_640, start: float = 1.7e9
) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
    from metrics.simulator import METRICS, HostSimulator  # needs the repository on sys.path

    times = [start + 10 * i for i in range(points)]
    for index in range(hosts):
        host = HostSimulator(f"h{index}", index, 1, start, times[-1])
        kept = [t for t in times if not host.dropped(t)]
        rows = [host.values(t) for t in kept]
        ts = (np.asarray(kept) * US).astype(np.int64)
        for m in METRICS:
            yield f"h{index}:{m.name}", ts, np.asarray([r[m.name] for r in rows])
