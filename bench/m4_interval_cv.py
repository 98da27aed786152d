"""Cross-validated M4 hourly interval score of Hydra's calibrated forecast bands.

Usage (from the repository root)::

    .venv/bin/python bench/m4_interval_cv.py [--source ../shared/data/m4-hourly-dev]
        [--folds 5] [--repeats 3] [--jobs 2] [--every 1] [--cache /tmp/hydra-m4-iv.pkl]

The production ``auto`` forecaster (``forecasting.forecasters.forecast_values``, what
``bench.adapters:m4_interval`` calls) runs once per DEV series; its calibration (the
blend's point forecast, its base interval and its backtest scores: ``calibrate.
Calibration``) is kept. A band then only depends on the calibration's three free
parameters (inflation, pooling exponent, side weight), so every candidate of ``GRID`` is
scored on every series by ``Calibration.band`` without re-forecasting (the forecast itself
does not depend on them: not a leak).

k-fold by series (``--folds``, ``--repeats`` fixed seeds): for each fold the parameters
are chosen on the training series only (``choose``: lowest mean MSIS over the training
series less the worst ``TRIM`` of them, among candidates whose training coverage is
within ``ACD_MARGIN`` of nominal, else the closest coverage),
then the held-out series are scored with them. Held-out MSIS is the mean over series, coverage
is pooled over held-out points; both are averaged over the repeats. The 80 % band is
chosen and scored the same way with the interval score at alpha = 0.2.

Printed beside the CV figures: the DEV score of the production defaults
(``calibrate.DEFAULT_PARAMS``, what ``m4_interval_eval.py`` scores) and the parameters
the same rule picks on all of DEV (which is how the defaults were set).
"""

from __future__ import annotations

import argparse
import importlib.util
import pickle
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# the repository first, and not bench/ itself (its forecasting.py would hide the app)
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

#: (inflation, pooling, side) candidates.
GRID = tuple(
    (round(float(i), 3), p, side)
    for p in (0.0, 0.25, 0.5)
    for side in (0.25, 0.5, 1.0)
    for i in np.arange(0.4, 2.401, 0.02)
)
#: The objective ignores the worst ``TRIM`` share of the training series (MSIS is
#: heavy-tailed: a few series would otherwise pick the parameters for all).
TRIM = 0.10
LEVELS = (0.95, 0.8)
#: A candidate is eligible when its training coverage is this close to nominal.
ACD_MARGIN = 0.005


def find_shared(sub: str) -> Path:
    """``../shared/<sub>`` from the repository or from a worktree two levels down."""
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / sub).exists():
            return base / "shared" / sub
    raise SystemExit(f"cannot find shared/{sub}; pass it explicitly")


def import_m4(bench_dir: Path):
    spec = importlib.util.spec_from_file_location("m4_eval", bench_dir / "m4_eval.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["m4_eval"] = mod
    spec.loader.exec_module(mod)
    return mod


def collect_one(args):
    """The production calibration of one series (None if the forecast failed)."""
    sid, y, h, m = args
    from forecasting.forecasters import forecast_values

    t0 = time.perf_counter()
    res = forecast_values(y, h, m, model="auto", level=0.95)
    return sid, res.calibration, time.perf_counter() - t0


def collect(train, ids, h, m, jobs):
    tasks = [(sid, train[sid], h, m) for sid in ids]
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as ex:
            return list(ex.map(collect_one, tasks, chunksize=1))
    return [collect_one(t) for t in tasks]


def interval_score(x, y, lo, hi, alpha, m):
    """MSIS at ``alpha`` (the M4 definition; alpha = 0.05 is M4's MSIS)."""
    scale = np.mean(np.abs(x[m:] - x[:-m]))
    pen = (2 / alpha) * ((lo - y) * (y < lo) + (y - hi) * (y > hi))
    return float(np.mean(hi - lo + pen) / scale)


def score_table(cals, train, test, ids, level, m):
    """(series × candidates) interval scores and inside-counts for ``level``."""
    alpha = 1 - level
    msis = np.zeros((len(ids), len(GRID)))
    inside = np.zeros((len(ids), len(GRID)))
    for i, sid in enumerate(ids):
        cal, y = cals[sid], test[sid]
        for j, params in enumerate(GRID):
            lo, hi = cal.band(level, params)
            msis[i, j] = interval_score(train[sid], y, lo, hi, alpha, m)
            inside[i, j] = np.sum((y >= lo) & (y <= hi))
    return msis, inside


def choose(msis, inside, rows, points, level) -> int:
    """Candidate index for the training ``rows`` (see the module docstring)."""
    cov = inside[rows].sum(axis=0) / (points * len(rows))
    keep = int(round(len(rows) * (1 - TRIM)))
    mean = np.sort(msis[rows], axis=0)[:keep].mean(axis=0)
    ok = np.abs(cov - level) <= ACD_MARGIN
    if ok.any():
        return int(np.flatnonzero(ok)[np.argmin(mean[ok])])
    return int(np.argmin(np.abs(cov - level)))


def cross_validate(msis, inside, points, level, folds, repeats):
    n = msis.shape[0]
    out = []
    for rep in range(repeats):
        order = np.random.default_rng(rep).permutation(n)
        ms, ins, picks = [], 0.0, []
        for f in range(folds):
            held = order[f::folds]
            trainrows = np.setdiff1d(order, held)
            j = choose(msis, inside, trainrows, points, level)
            picks.append(GRID[j])
            ms.extend(msis[held, j])
            ins += inside[held, j].sum()
        out.append((float(np.mean(ms)), ins / (points * n), picks))
    return out


def report(level, msis, inside, points, folds, repeats, default):
    n = msis.shape[0]
    dj = GRID.index(default) if default in GRID else None
    cv = cross_validate(msis, inside, points, level, folds, repeats)
    cv_msis = float(np.mean([c[0] for c in cv]))
    cv_cov = float(np.mean([c[1] for c in cv]))
    best = choose(msis, inside, np.arange(n), points, level)
    name = "MSIS" if level == 0.95 else f"interval score (alpha={1 - level:.2f})"
    print(f"\n{int(level * 100)} % band, {n} series, {name}")
    if dj is not None:
        cov = inside[:, dj].sum() / (points * n)
        print(
            f"  DEV, production default (inflation, pooling, side) {default}: {name} "
            f"{msis[:, dj].mean():.3f}"
            f"  coverage {cov:.4f}  ACD {abs(cov - level):.4f}"
        )
    bcov = inside[:, best].sum() / (points * n)
    print(
        f"  DEV, rule applied to all DEV: (inflation, pooling, side) {GRID[best]}  "
        f"{msis[:, best].mean():.3f}"
        f"  coverage {bcov:.4f}"
    )
    print(
        f"  CV {folds}-fold by series x {repeats}: {name} {cv_msis:.3f}  coverage {cv_cov:.4f}"
        f"  ACD {abs(cv_cov - level):.4f}  (picks {sorted({p for c in cv for p in c[2]})})"
    )
    return {"level": level, "cv_msis": cv_msis, "cv_coverage": cv_cov, "dev_pick": GRID[best]}


def main(argv=None) -> int:
    from forecasting.forecasters.calibrate import DEFAULT_PARAMS

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", help="M4 DEV data (default: shared/data/m4-hourly-dev)")
    ap.add_argument("--bench-dir", help="folder of m4_eval.py (default: shared/bench)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--every", type=int, default=1, help="use every k-th DEV series")
    ap.add_argument("--cache", help="pickle of the calibrations (reused when present)")
    a = ap.parse_args(argv)

    m4 = import_m4(Path(a.bench_dir) if a.bench_dir else find_shared("bench"))
    train, test = m4.load_hourly(a.source or str(find_shared("data/m4-hourly-dev")))
    ids = m4.series_ids(train, "dev")[:: a.every]
    cache = Path(a.cache) if a.cache else None
    t0 = time.perf_counter()
    if cache and cache.exists():
        cals = pickle.loads(cache.read_bytes())
    else:
        out = collect(train, ids, m4.HORIZON, m4.SEASON, a.jobs)
        cals = {sid: cal for sid, cal, _ in out}
        if cache:
            cache.write_bytes(pickle.dumps(cals))
    ids = [sid for sid in ids if cals.get(sid) is not None]
    print(f"{len(ids)} calibrated series in {time.perf_counter() - t0:.0f} s")
    for level in LEVELS:
        msis, inside = score_table(cals, train, test, ids, level, m4.SEASON)
        report(level, msis, inside, m4.HORIZON, a.folds, a.repeats, DEFAULT_PARAMS[level])
    return 0


if __name__ == "__main__":
    sys.exit(main())
