"""The vectorised folds reproduce Prometheus 2.42's sequential arithmetic bit for bit.

The oracles below are plain-Python transcriptions of Prometheus's loops (kahanSumInc,
sum/avg/stdvar_over_time, linearRegression, the sum/avg/stdvar aggregations); data with a
wide dynamic range makes any other order of operations give different bits.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from prom.promql import Engine, MemoryStorage

STEP_MS = 15_000


def kahan_inc(inc: float, total: float, comp: float) -> tuple[float, float]:
    t = total + inc
    if abs(total) >= abs(inc):
        comp += (total - t) + inc
    else:
        comp += (inc - t) + total
    return t, comp


def sum_over_time(values: list[float]) -> float:
    total = comp = 0.0
    for v in values:
        total, comp = kahan_inc(v, total, comp)
    return total if math.isinf(total) else total + comp


def avg_over_time(values: list[float]) -> float:
    mean = comp = 0.0
    for count, v in enumerate(values, 1):
        if math.isinf(mean) and (
            (math.isinf(v) and (mean > 0) == (v > 0)) or (not math.isinf(v) and not math.isnan(v))
        ):
            continue
        mean, comp = kahan_inc(v / count - mean / count, mean, comp)
    return mean if math.isinf(mean) else mean + comp


def stdvar_over_time(values: list[float]) -> float:
    mean = c_mean = aux = c_aux = 0.0
    for count, v in enumerate(values, 1):
        delta = v - (mean + c_mean)
        mean, c_mean = kahan_inc(delta / count, mean, c_mean)
        aux, c_aux = kahan_inc(delta * (v - (mean + c_mean)), aux, c_aux)
    return (aux + c_aux) / len(values)


def deriv(points: list[tuple[int, float]]) -> float:
    sums = [[0.0, 0.0] for _ in range(4)]
    t0 = points[0][0]
    for t, y in points:
        x = (t - t0) / 1e3
        for i, inc in enumerate((x, y, x * y, x * x)):
            sums[i] = list(kahan_inc(inc, *sums[i]))
    sx, sy, sxy, sx2 = (s + c for s, c in sums)
    n = float(len(points))
    return (sxy - sx * sy / n) / (sx2 - sx * sx / n)


def aggregate_sum(values: list[float]) -> float:
    total = values[0]
    for v in values[1:]:
        total += v
    return total


def aggregate_avg(values: list[float]) -> float:
    mean = values[0]
    for count, v in enumerate(values[1:], 2):
        mean += v / count - mean / count
    return mean


def aggregate_stdvar(values: list[float]) -> float:
    mean, aux = values[0], 0.0
    for count, v in enumerate(values[1:], 2):
        delta = v - mean
        mean += delta / count
        aux += delta * (v - mean)
    return aux / len(values)


def _wild(rng: np.random.Generator, n: int) -> np.ndarray:
    """Values from 1e-3 to 1e16 of both signs: any other summation order differs."""
    return rng.normal(0, 1, n) * 10.0 ** rng.integers(-3, 16, n)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(42)
    ts = np.arange(0, 40) * STEP_MS
    series = [_wild(rng, len(ts)) for _ in range(30)]
    store = MemoryStorage()
    for i, values in enumerate(series):
        store.add({"__name__": "g", "i": f"{i:02d}"}, ts, values)
    return Engine(store), ts, series


def _values(engine: Engine, query: str, at_ms: int) -> list[float]:
    return [float(v[0]) for _, _, v in engine.instant_query(query, at_ms).series()]


@pytest.mark.parametrize(
    ("function", "oracle"),
    [("sum_over_time", sum_over_time), ("avg_over_time", avg_over_time),
     ("stdvar_over_time", stdvar_over_time)],
)  # fmt: skip
def test_over_time_folds_match_prometheus_bit_for_bit(data, function, oracle):
    engine, ts, series = data
    at = int(ts[-1])
    got = _values(engine, f"{function}(g[5m])", at)
    window = ts >= at - 300_000
    assert got == [oracle(s[window].tolist()) for s in series]


def test_deriv_matches_prometheus_bit_for_bit(data):
    engine, ts, series = data
    at = int(ts[-1])
    window = ts >= at - 300_000
    expected = [
        deriv(list(zip(ts[window].tolist(), s[window].tolist(), strict=True))) for s in series
    ]
    assert _values(engine, "deriv(g[5m])", at) == expected


@pytest.mark.parametrize(
    ("op", "oracle"), [("sum", aggregate_sum), ("avg", aggregate_avg), ("stdvar", aggregate_stdvar)]
)
def test_aggregations_fold_in_series_order_like_prometheus(data, op, oracle):
    engine, ts, series = data
    (got,) = _values(engine, f"{op}(g)", int(ts[10]))
    assert got == oracle([s[10] for s in series])


def test_compensated_sums_survive_cancellation():
    store = MemoryStorage()
    store.add({"__name__": "m"}, [0, 15_000, 30_000, 45_000], [1.0, 1e100, 1.0, -1e100])
    (got,) = _values(Engine(store), "sum_over_time(m[1m])", 45_000)
    assert got == 2.0  # a plain running sum gives 0


def test_a_mean_of_huge_values_does_not_overflow():
    store = MemoryStorage()
    store.add({"__name__": "m"}, [0, 15_000], [1.7e308, 1.7e308])
    assert _values(Engine(store), "avg_over_time(m[1m])", 15_000) == [1.7e308]
