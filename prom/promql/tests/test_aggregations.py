"""Aggregations over every step: grouping, topk/bottomk per step, quantile, count_values."""

from __future__ import annotations

import math

import pytest

from .helpers import engine, instant, labels

SERIES = [
    ("req", {"job": "a", "i": "1"}, [(0, 1), (60, 5)]),
    ("req", {"job": "a", "i": "2"}, [(0, 3), (60, 2)]),
    ("req", {"job": "b", "i": "3"}, [(0, 10), (60, 0)]),
]


def test_by_keeps_only_the_listed_labels_and_without_drops_the_name():
    eng = engine(*SERIES)
    assert instant(eng, "sum by (job) (req)", 0) == {labels(job="a"): 4, labels(job="b"): 10}
    assert instant(eng, "max without (i) (req)", 0) == {labels(job="a"): 3, labels(job="b"): 10}
    assert instant(eng, "count by (__name__) (req)", 0) == {labels(__name__="req"): 3}
    assert instant(eng, "avg(req)", 0) == {labels(): pytest.approx(14 / 3)}


def test_topk_picks_each_step_anew_in_a_range_query():
    eng = engine(*SERIES)
    data = eng.range_query("topk(1, req)", 0, 60_000, 60_000).data()
    picked = {s["metric"]["i"]: s["values"] for s in data["result"]}
    assert picked == {"3": [[0.0, "10"]], "1": [[60.0, "5"]]}


def test_topk_and_bottomk_work_per_group():
    eng = engine(*SERIES)
    got = instant(eng, "bottomk by (job) (1, req)", 60)
    assert got == {
        labels(__name__="req", job="a", i="2"): 2,
        labels(__name__="req", job="b", i="3"): 0,
    }
    assert instant(eng, "topk(0, req)", 0) == {}


def test_topk_takes_k_from_a_scalar_expression_at_each_step():
    eng = engine(*SERIES, ("k", {}, [(0, 1), (60, 2)]))
    data = eng.range_query("topk(scalar(k), req)", 0, 60_000, 60_000).data()
    counts = {}
    for s in data["result"]:
        for t, _ in s["values"]:
            counts[t] = counts.get(t, 0) + 1
    assert counts == {0.0: 1, 60.0: 2}


def test_quantile_interpolates_and_sorts_nan_first_like_prometheus():
    eng = engine(
        ("v", {"i": "1"}, [(0, 1)]), ("v", {"i": "2"}, [(0, 2)]), ("v", {"i": "3"}, [(0, math.nan)])
    )
    # sorted [NaN, 1, 2]: rank 0.5 * 2 = 1 -> exactly the value 1
    assert instant(eng, "quantile(0.5, v)", 0) == {labels(): 1}
    assert instant(eng, "quantile(1.5, v)", 0) == {labels(): math.inf}
    assert instant(eng, "quantile(-1, v)", 0) == {labels(): -math.inf}


def test_count_values_counts_series_per_value_in_a_new_label():
    eng = engine(*SERIES, ("req", {"job": "b", "i": "4"}, [(0, 3)]))
    got = instant(eng, 'count_values("value", req)', 0)
    assert got == {labels(value="1"): 1, labels(value="3"): 2, labels(value="10"): 1}
    got = instant(eng, 'count_values by (job) ("value", req)', 0)
    assert got[labels(job="b", value="3")] == 1


def test_stddev_and_stdvar_are_population_statistics():
    eng = engine(*SERIES)
    # 1, 3, 10: mean 14/3, squared deviations sum to 134/3
    assert instant(eng, "stdvar(req)", 0) == {labels(): pytest.approx(134 / 9)}
    assert instant(eng, "stddev(req)", 0) == {labels(): pytest.approx(math.sqrt(134 / 9))}


def test_a_group_exists_only_at_steps_where_one_of_its_series_does():
    eng = engine(("m", {"g": "x"}, [(0, 1), (60, "stale")]), ("m", {"g": "y"}, [(0, 2)]))
    data = eng.range_query("sum by (g) (m)", 0, 120_000, 60_000).data()
    steps = {s["metric"]["g"]: [t for t, _ in s["values"]] for s in data["result"]}
    assert steps == {"x": [0.0], "y": [0.0, 60.0, 120.0]}


def test_group_gives_one_per_group():
    eng = engine(*SERIES)
    assert instant(eng, "group by (job) (req)", 0) == {labels(job="a"): 1, labels(job="b"): 1}
