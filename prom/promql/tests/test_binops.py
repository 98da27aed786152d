"""Binary operators: vector matching (on/ignoring/group_*), its errors, bool, set operators."""

from __future__ import annotations

import pytest

from prom.promql import ExecutionError

from .helpers import engine, instant, labels

CPU = [
    ("cpu", {"instance": "a", "mode": "idle"}, [(0, 3)]),
    ("cpu", {"instance": "a", "mode": "user"}, [(0, 1)]),
    ("cpu", {"instance": "b", "mode": "idle"}, [(0, 8)]),
    ("role", {"instance": "a", "role": "db"}, [(0, 1)]),
    ("role", {"instance": "b", "role": "web"}, [(0, 1)]),
    ("limit", {"instance": "a"}, [(0, 2)]),
]


def test_arithmetic_matches_on_all_labels_but_the_name_and_drops_the_name():
    eng = engine(
        ("a", {"x": "1"}, [(0, 6)]), ("b", {"x": "1"}, [(0, 3)]), ("b", {"x": "2"}, [(0, 1)])
    )
    assert instant(eng, "a / b", 1) == {labels(x="1"): 2}


def test_group_left_copies_labels_from_the_one_side():
    eng = engine(*CPU)
    got = instant(eng, "cpu * on(instance) group_left(role) role", 1)
    assert got == {
        labels(instance="a", mode="idle", role="db"): 3,
        labels(instance="a", mode="user", role="db"): 1,
        labels(instance="b", mode="idle", role="web"): 8,
    }


def test_group_right_mirrors_group_left():
    eng = engine(*CPU)
    left = instant(eng, "cpu * on(instance) group_left(role) role", 1)
    assert instant(eng, "role * on(instance) group_right(role) cpu", 1) == left


def test_many_to_one_without_group_left_is_an_error():
    eng = engine(*CPU)
    with pytest.raises(ExecutionError, match="many-to-one matching must be explicit"):
        eng.instant_query("cpu * on(instance) role", 1000)


def test_duplicates_on_the_one_side_are_a_many_to_many_error():
    eng = engine(*CPU)
    with pytest.raises(ExecutionError, match="many-to-many matching not allowed"):
        eng.instant_query("role * on(instance) group_left cpu", 1000)


def test_group_left_labels_must_keep_results_unique():
    eng = engine(
        ("a1", {"instance": "x"}, [(0, 1)]),
        ("a2", {"instance": "x"}, [(0, 1)]),
        ("b", {"instance": "x"}, [(0, 1)]),
    )  # both left series become {instance="x"} once the operator drops their names
    with pytest.raises(ExecutionError, match="grouping labels must ensure unique matches"):
        eng.instant_query('{__name__=~"a.*"} * on(instance) group_left b', 1000)


def test_a_filtered_out_duplicate_does_not_count_as_a_match():
    eng = engine(*CPU)  # only instance a/idle passes the filter: one match per instance
    got = instant(eng, "cpu > on(instance) group_left limit", 1)
    assert got == {labels(__name__="cpu", instance="a", mode="idle"): 3}


def test_comparisons_filter_and_keep_the_left_value_even_when_the_scalar_is_left():
    eng = engine(*CPU)
    assert instant(eng, "2 < cpu", 1) == {
        labels(__name__="cpu", instance="a", mode="idle"): 3,
        labels(__name__="cpu", instance="b", mode="idle"): 8,
    }
    assert instant(eng, "cpu == bool 3", 1) == {
        labels(instance="a", mode="idle"): 1,
        labels(instance="a", mode="user"): 0,
        labels(instance="b", mode="idle"): 0,
    }


def test_set_operators_match_on_the_chosen_labels():
    eng = engine(*CPU)
    assert set(instant(eng, "cpu and on(instance) limit", 1)) == {
        labels(__name__="cpu", instance="a", mode="idle"),
        labels(__name__="cpu", instance="a", mode="user"),
    }
    assert set(instant(eng, "cpu unless on(instance) limit", 1)) == {
        labels(__name__="cpu", instance="b", mode="idle")
    }
    got = instant(eng, "limit or on(instance) role", 1)
    assert got == {
        labels(__name__="limit", instance="a"): 2,
        labels(__name__="role", instance="b", role="web"): 1,
    }


def test_or_fills_each_step_from_the_right_where_the_left_is_missing():
    eng = engine(("a", {}, [(0, 1), (100, "stale")]), ("b", {}, [(0, 2)]))
    data = eng.range_query("a or on() b", 0, 200_000, 100_000).data()
    by_name = {s["metric"]["__name__"]: s["values"] for s in data["result"]}
    assert by_name == {"a": [[0, "1"]], "b": [[100.0, "2"], [200.0, "2"]]}


def test_a_label_set_produced_twice_at_one_step_is_an_error():
    eng = engine(("a", {"x": "1"}, [(0, 1)]), ("b", {"x": "1"}, [(0, 2)]))
    with pytest.raises(ExecutionError, match="same labelset"):
        eng.instant_query('-{__name__=~"a|b"}', 1000)
    with pytest.raises(ExecutionError, match="same labelset"):
        eng.instant_query('{__name__=~"a|b"} * 2', 1000)


def test_scalar_operations_follow_ieee_and_go_rules():
    eng = engine()
    assert instant(eng, "1 / 0", 0) == {None: float("inf")}
    assert instant(eng, "-7 % 3", 0) == {None: -1}  # sign of the dividend, like Go's Mod
    assert instant(eng, "2 ^ 10", 0) == {None: 1024}
    assert instant(eng, "1 > bool 0", 0) == {None: 1}
    assert instant(eng, "1 atan2 1", 0) == {None: pytest.approx(0.7853981633974483)}
