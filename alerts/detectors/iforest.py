"""Isolation forest over short-window features, refitted periodically on past points only.

Features of point ``t`` (from the last ``feature_window`` values, itself included):
the value, its first difference, its deviation from the window mean and the window's
standard deviation. A scikit-learn ``IsolationForest`` (fixed ``random_state``) is
fitted on the feature rows of the ``train_size`` points *before* ``t`` once
``min_train`` rows exist, and refitted every ``refit_every`` points, so every score is
causal. The anomaly score is sklearn's ``-score_samples`` (the paper's ``s`` in (0, 1],
about 0.4–0.5 for normal points); default threshold 0.62 (NAB DEV
optimum: 0.724, but that misses clear single spikes: the forest saturates near 0.7).

Repeated alarms are damped for ``rest`` points (see ``base.py``).

A fitted forest does not belong in a JSON column, so the state stores the *training
rows* of the current forest (``fit_rows``); ``from_state`` refits on them with the same
``random_state`` and gets the very same forest — chunked scoring equals one-shot scoring.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from sklearn.ensemble import IsolationForest

from .base import Detector, TimeInfo


def feature_row(window: list[float]) -> list[float]:
    """Features of the last value of ``window`` (value, diff, deviation, spread)."""
    arr = np.asarray(window, dtype=float)
    x = float(arr[-1])
    diff = x - float(arr[-2]) if len(arr) > 1 else 0.0
    return [x, diff, x - float(arr.mean()), float(arr.std())]


class IsolationForestDetector(Detector):
    """Periodically refitted isolation forest over window features."""

    name: ClassVar[str] = "isolation_forest"
    DEFAULT_THRESHOLD: ClassVar[float] = 0.62
    MIN_THRESHOLD_FRACTION: ClassVar[float] = 0.75
    DEFAULT_PARAMS: ClassVar[dict[str, Any]] = {
        "feature_window": 12,
        "train_size": 256,
        "min_train": 64,
        "refit_every": 256,
        "n_estimators": 50,
        "random_state": 0,
        "rest": 300,
        "damp": 0.5,
    }

    def __init__(self, sensitivity: float = 0.5, **params: Any) -> None:
        super().__init__(sensitivity, **params)
        self._model: IsolationForest | None = None

    def _init_state(self) -> dict[str, Any]:
        return {"vals": [], "train": [], "fit_rows": [], "since_fit": 0}

    def _after_restore(self) -> None:
        self._model = self._fit(self.state["fit_rows"]) if self.state["fit_rows"] else None

    def _fit(self, rows: list[list[float]]) -> IsolationForest:
        model = IsolationForest(
            n_estimators=int(self.params["n_estimators"]),
            max_samples=min(256, len(rows)),
            random_state=int(self.params["random_state"]),
        )
        return model.fit(np.asarray(rows, dtype=float))

    def _score(
        self, t: TimeInfo, x: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        n = len(x)
        score, mean, spread = np.zeros(n), x.copy(), np.zeros(n)
        pending: list[int] = []
        rows: list[list[float]] = []
        for i, v in enumerate(x):
            row = self._next_row(float(v) if np.isfinite(v) else None)
            rows.append(row)
            mean[i], spread[i] = row[0] - row[2], row[3]
            if self._refit_due():
                self._flush(pending, rows, score)
                self._refit()
            pending.append(i)
            self._learn(row)
        self._flush(pending, rows, score)
        return score, mean, mean - 3 * spread, mean + 3 * spread

    def _next_row(self, v: float | None) -> list[float]:
        vals = self.state["vals"]
        vals.append(v if v is not None else (vals[-1] if vals else 0.0))
        if len(vals) > self.params["feature_window"]:
            del vals[0]
        return feature_row(vals)

    def _refit_due(self) -> bool:
        st = self.state
        if len(st["train"]) < self.params["min_train"]:
            return False
        return self._model is None or st["since_fit"] >= self.params["refit_every"]

    def _refit(self) -> None:
        self.state["fit_rows"] = [list(r) for r in self.state["train"]]
        self.state["since_fit"] = 0
        self._model = self._fit(self.state["fit_rows"])

    def _learn(self, row: list[float]) -> None:
        st = self.state
        st["train"].append(row)
        if len(st["train"]) > self.params["train_size"]:
            del st["train"][0]
        st["since_fit"] += 1

    def _flush(self, pending: list[int], rows: list[list[float]], out: np.ndarray) -> None:
        """Score the pending points with the current forest (0 before the first fit)."""
        if pending and self._model is not None:
            feats = np.asarray([rows[i] for i in pending], dtype=float)
            out[pending] = -self._model.score_samples(feats)
        pending.clear()
