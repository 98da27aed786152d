"""Cross-validated NAB score of Hydra's detectors: is the DEV score fitted to DEV?

Usage (from the repository root)::

    .venv/bin/python bench/nab_cv.py [--source ../shared/data/nab-dev] [--grid declared]
        [--folds 5] [--repeats 3] [--jobs 1] [--cache /tmp/hydra-nab-cv]

NAB's scorer (``nab_score.py``, shared) picks, per profile, the threshold that maximises
the score *of the data it scores*: a DEV score is therefore fitted to DEV twice, by the
constants of the detector and by that threshold. This script measures how much of it
survives on files the choices were not made on:

* every candidate of a small declared grid (``GRIDS``: detector name + parameters) runs
  once over every DEV file (the detectors are causal and per-series: a file's scores do
  not depend on other files, so running them once is not a leak);
* for each fold, the candidate *and* its threshold are chosen on the training files only
  (the shared scorer's exact threshold sweep, best raw score; ties go to the first
  candidate), then the held-out files are scored at that threshold;
* raw scores are summed over the held-out folds and normalised over all DEV windows
  exactly as NAB normalises a corpus (a fold may have no window, e.g.
  ``artificialNoAnomaly``, so per-fold normalised scores are not averaged).

Two splits: k-fold by file (stratified by category, ``--repeats`` fixed seeds) and
leave-one-category-out (LOCO: four folds, one per DEV category). Printed beside them:
the DEV score of the default candidate (what ``nab_run.py`` prints) and the in-sample
score of the grid's best candidate on all of DEV.

``--resample 1,2,3,4`` also scores every DEV series averaged over blocks of K points (a
5-minute series becomes a K*5-minute one, K times shorter; the windows keep their
timestamps and NAB's probation and window widths follow the shorter files): a stress test
of sampling-step and length assumptions, which the DEV files alone cannot reveal (the
held-out half has hourly series of ~1,600 points and 5-minute ones of ~16,000). With
several factors, a candidate is chosen for its raw score summed over them (each factor
with its own threshold, as each is a corpus of its own), on the training files only.

``swept`` columns re-sweep one threshold over the pooled held-out outputs, the protocol
the outside held-out scorer uses (its threshold is optimised on the held-out data); the
``CV`` columns are stricter and are the honest figure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

Candidate = tuple[str, dict[str, Any]]  # (detector name, parameters)
DAY = 86400
SEQ = ["value", "time_of_day", "change", "sequence"]

# The declared grids: the only parameter choices the CV may make. The first entry of each
# grid is the production default (the DEV column scores it).
GRIDS: dict[str, dict[str, Candidate]] = {
    "default": {"default": ("hydra", {})},
    "calibration": {
        "default (calibrated, prior 10)": ("hydra", {}),
        "uncalibrated (the default before)": ("hydra", {"calibrate": 0.0}),
        "calibrated, prior 1": ("hydra", {"calibrate": 1.0}),
        "calibrated, prior 3": ("hydra", {"calibrate": 3.0}),
        "calibrated, prior 30": ("hydra", {"calibrate": 30.0}),
    },
    "declared": {
        "default": ("hydra", {}),
        "+ sequence": ("hydra", {"features": SEQ}),
        "+ sequence, coarse 8": ("hydra", {"features": SEQ, "coarse": 8}),
        "memory 14 days": ("hydra", {"half_life_s": 14 * DAY}),
        "rest 12 h": ("hydra", {"rest_s": DAY // 2}),
        "rest 2 days": ("hydra", {"rest_s": 2 * DAY}),
    },
}


def find_shared(sub: str) -> Path:
    """``../shared/<sub>`` from the repository or from a worktree two levels down."""
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / sub).exists():
            return base / "shared" / sub
    raise SystemExit(f"cannot find shared/{sub}; pass it explicitly")


def import_scorer(bench_dir: Path) -> Any:
    sys.path.insert(0, str(bench_dir))
    import nab_score

    return nab_score


# ------------------------------------------------------------------------ running detectors


def _code_hash() -> str:
    """Hash of the detector code, so cached scores of older code are never reused."""
    h = hashlib.sha1()
    for p in sorted((ROOT / "alerts" / "detectors").glob("*.py")):
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def _score_one(args: tuple[str, dict[str, Any], list, np.ndarray]) -> np.ndarray:
    from alerts.detectors import score_series

    name, params, ts, values = args
    return np.asarray(score_series(ts, values, detector=name, **params), dtype=float)


def run_candidates(
    cands: dict[str, Candidate],
    series: dict[str, tuple[list, np.ndarray]],
    jobs: int = 1,
    cache: Path | None = None,
) -> dict[str, dict[str, np.ndarray]]:
    """{candidate: {file: scores}} for every candidate and file (cached when asked)."""
    code = _code_hash()
    todo, out = [], {c: {} for c in cands}
    for c, (name, params) in cands.items():
        for f, (ts, vals) in series.items():
            data = hashlib.sha1(np.ascontiguousarray(vals).tobytes()).hexdigest()
            key = hashlib.sha1(json.dumps([code, name, params, f, data], sort_keys=True).encode())
            path = cache / f"{key.hexdigest()}.npy" if cache else None
            if path is not None and path.exists():
                out[c][f] = np.load(path)
            else:
                todo.append((c, f, path, (name, params, ts, vals)))
    with ProcessPoolExecutor(jobs) if jobs > 1 else _Serial() as pool:
        results = pool.map(_score_one, [t[3] for t in todo])
        for (c, f, path, _), scores in zip(todo, results, strict=True):
            out[c][f] = scores
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                np.save(path, scores)
    return out


class _Serial:
    """Stand-in for a process pool with one worker (no pickling, easier to profile)."""

    def __enter__(self) -> _Serial:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map(self, fn: Callable, items: Iterable) -> Iterable:
        return map(fn, items)


# ---------------------------------------------------------------------------- the CV proper


def resample(series: dict[str, tuple[list, np.ndarray]], k: int) -> dict:
    """Every series averaged over blocks of ``k`` points, stamped with the block's start."""
    if k <= 1:
        return series
    out = {}
    for f, (ts, x) in series.items():
        n = len(x) // k * k
        out[f] = ([ts[i] for i in range(0, n, k)], x[:n].reshape(-1, k).mean(axis=1))
    return out


def prepare(ns: Any, source: Any, outputs: dict, series: dict) -> dict:
    """{candidate: {file: PreparedFile}} with the shared scorer's windows and probation."""
    windows = source.windows()
    stamps = {f: ts for f, (ts, _) in series.items()}
    return {
        c: {f: ns.prepare_file(f, stamps[f], s, windows.get(f, [])) for f, s in per.items()}
        for c, per in outputs.items()
    }


def kfold(files: Sequence[str], k: int, seed: int) -> list[list[str]]:
    """``k`` folds of files, stratified by category (shuffled within it, dealt in turn)."""
    rng = np.random.default_rng(seed)
    order: list[str] = []
    for cat in sorted({f.split("/", 1)[0] for f in files}):
        group = sorted(f for f in files if f.startswith(cat + "/"))
        order += [group[i] for i in rng.permutation(len(group))]
    folds: list[list[str]] = [[] for _ in range(k)]
    for i, f in enumerate(order):
        folds[(i + seed) % k].append(f)
    return [sorted(f) for f in folds if f]


def by_category(files: Sequence[str]) -> list[list[str]]:
    cats = sorted({f.split("/", 1)[0] for f in files})
    return [sorted(f for f in files if f.startswith(c + "/")) for c in cats]


def choose(ns: Any, preps: dict, train: Sequence[str], w: dict) -> tuple[str, dict[int, float]]:
    """The candidate with the best raw score on ``train`` summed over the resampling factors,
    and its threshold for each factor (first candidate wins ties)."""
    best: tuple[float, str, dict[int, float]] | None = None
    for c in _candidates(preps):
        thrs, total = {}, 0.0
        for k, per_k in preps.items():
            thrs[k], raw = ns.sweep_threshold([per_k[c][f] for f in train], w)
            total += raw
        if best is None or total > best[0] + 1e-9:
            best = (total, c, thrs)
    assert best is not None
    return best[1], best[2]


def _candidates(preps: dict) -> list[str]:
    return list(next(iter(preps.values())))


def cross_validate(ns: Any, preps: dict, folds: list[list[str]], profiles: dict) -> dict:
    """Per profile and factor: held-out raw summed over folds, normalised; choices per fold.

    ``preps`` is {resampling factor: {candidate: {file: PreparedFile}}}."""
    files = sorted({f for fold in folds for f in fold})
    out = {}
    for pname, w in profiles.items():
        raw = dict.fromkeys(preps, 0.0)
        pooled: dict[int, list] = {k: [] for k in preps}
        chosen = []
        for fold in folds:
            train = [f for f in files if f not in fold]
            c, thrs = choose(ns, preps, train, w)
            for k in preps:
                test = [preps[k][c][f] for f in fold]
                raw[k] += ns.score_prepared(test, {pname: w}, fixed_threshold=thrs[k])[pname].raw
                pooled[k] += test
            chosen.append((c, thrs[min(thrs)]))
        out[pname] = {
            "score": {k: normalise(raw[k], pooled[k], w) for k in preps},
            "swept": {k: ns.score_prepared(pooled[k], {pname: w})[pname].normalized for k in preps},
            "chosen": chosen,
        }
    return out


def normalise(raw: float, preps: Sequence[Any], w: dict[str, float]) -> float:
    n = sum(p.n_windows for p in preps)
    null, perfect = -w["fn"] * n, w["tp"] * n
    return 100.0 * (raw - null) / (perfect - null) if n else math.nan


def in_sample(ns: Any, preps: dict, profiles: dict) -> dict[str, dict]:
    """Per factor: DEV score of the default (first) candidate and of the one chosen on all DEV."""
    first = _candidates(preps)[0]
    files = sorted(preps[min(preps)][first])
    out: dict[str, dict] = {}
    for pname, w in profiles.items():
        best, _ = choose(ns, preps, files, w)
        out[pname] = {"chosen": best}
        for k, per_k in preps.items():
            score = {
                c: ns.score_prepared(list(per_k[c].values()), {pname: w})[pname].normalized
                for c in (first, best)
            }
            out[pname][k] = {"dev": score[first], "best": score[best]}
    return out


# ------------------------------------------------------------------------------- reporting


def report(ns: Any, preps: dict, profiles: dict, folds: int, repeats: int) -> dict:
    files = sorted(preps[min(preps)][_candidates(preps)[0]])
    res: dict[str, Any] = {"in_sample": in_sample(ns, preps, profiles), "kfold": [], "loco": {}}
    for seed in range(repeats):
        res["kfold"].append(cross_validate(ns, preps, kfold(files, folds, seed), profiles))
    res["loco"] = cross_validate(ns, preps, by_category(files), profiles)
    return res


def time_per_point(cand: Candidate, series: dict, repeats: int) -> list[float]:
    """ms per point of ``cand`` over every series, one process, ``repeats`` runs."""
    from alerts.detectors import score_series

    n = sum(len(x) for _, x in series.values())
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for ts, x in series.values():
            score_series(ts, x, detector=cand[0], **cand[1])
        runs.append(1000.0 * (time.perf_counter() - t0) / n)
    return runs


def format_report(res: dict, grid: str, n_cands: int, folds: int) -> str:
    lines = [
        f"grid {grid!r} ({n_cands} candidates); k-fold: {folds} folds x "
        f"{len(res['kfold'])} seeds (median [min-max]); LOCO: 4 categories",
        f"{'profile':<20}{'resample':>9}{'DEV':>8}{'DEV best':>9}{'k-fold CV':>22}{'LOCO':>8}"
        f"{'k-fold swept':>14}{'LOCO swept':>12}",
    ]
    for pname, ins in res["in_sample"].items():
        for k in sorted(key for key in ins if key != "chosen"):
            kf = [r[pname]["score"][k] for r in res["kfold"]]
            ks = [r[pname]["swept"][k] for r in res["kfold"]]
            lo = res["loco"][pname]
            cv = f"{np.median(kf):.2f} [{min(kf):.2f}-{max(kf):.2f}]"
            lines.append(
                f"{pname:<20}{k:>9}{ins[k]['dev']:>8.2f}{ins[k]['best']:>9.2f}{cv:>22}"
                f"{lo['score'][k]:>8.2f}{np.median(ks):>14.2f}{lo['swept'][k]:>12.2f}"
            )
    std = res["in_sample"].get("standard", {})
    lines.append(f"chosen on all DEV (standard): {std.get('chosen', '-')}")
    lines.append("LOCO choices (standard): " + _choices(res["loco"].get("standard")))
    return "\n".join(lines)


def _choices(r: dict | None) -> str:
    if r is None:
        return "-"
    return ", ".join(f"{c}@{thr:.4g}" for c, thr in r["chosen"])


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", help="NAB DEV data (default: shared/data/nab-dev)")
    ap.add_argument("--bench-dir", help="folder of nab_score.py (default: shared/bench)")
    ap.add_argument("--grid", default="declared", choices=sorted(GRIDS))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=3, help="k-fold seeds 0..N-1")
    ap.add_argument(
        "--resample",
        default="1",
        help="K or K1,K2,...: average blocks of K points (each K is"
        " scored; the grid choice maximises the sum over them)",
    )
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--cache", help="folder to keep per-file scores between runs")
    ap.add_argument("--time", type=int, default=0, help="also time the default N times")
    ap.add_argument("--json", help="write the full results here")
    ap.add_argument(
        "--each",
        action="store_true",
        help="cross-validate every candidate of the grid on its own (side by side)",
    )
    args = ap.parse_args(argv)

    ns = import_scorer(Path(args.bench_dir) if args.bench_dir else find_shared("bench"))
    source = ns.NabSource(args.source or find_shared("data/nab-dev"))
    files = ns.select_split(source.windows().keys(), "dev")
    raw_series = {f: source.data_series(f) for f in files}
    cands = GRIDS[args.grid]
    cache = Path(args.cache) if args.cache else None
    preps = {}
    for k in sorted({int(v) for v in args.resample.split(",")}):
        series = resample(raw_series, k)
        preps[k] = prepare(ns, source, run_candidates(cands, series, args.jobs, cache), series)
    groups = [[c] for c in cands] if args.each else [list(cands)]
    for group in groups:
        sub = {k: {c: per[c] for c in group} for k, per in preps.items()}
        res = report(ns, sub, source.profiles(), args.folds, args.repeats)
        title = f"{args.grid}: {group[0]}" if args.each else args.grid
        print(format_report(res, title, len(group), args.folds) + "\n")
    if args.time:
        runs = time_per_point(next(iter(cands.values())), raw_series, args.time)
        print(
            f"default candidate: {np.median(runs):.3f} ms/point (median of {len(runs)}: "
            + ", ".join(f"{r:.3f}" for r in runs)
            + f"; load average {_load()})"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
