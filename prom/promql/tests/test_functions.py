"""Instant-vector functions beyond the Prometheus suite: absent labels, dates on values,
histogram_quantile with a missing bucket, clamp, timestamp and vector/scalar conversion."""

from __future__ import annotations

import math

import pytest

from .helpers import engine, instant, labels


def test_absent_labels_come_from_the_equality_matchers():
    eng = engine()
    got = instant(eng, 'absent(up{job="a", instance=~"x.*", env="p", env="q"})', 0)
    assert got == {labels(job="a"): 1}
    assert instant(eng, "absent(sum(up))", 0) == {labels(): 1}


def test_absent_over_time_fills_the_steps_where_the_window_is_empty():
    eng = engine(("up", {"job": "a"}, [(0, 1), (120, 1)]))
    data = eng.range_query('absent_over_time(up{job="a"}[30s])', 0, 180_000, 30_000).data()
    (series,) = data["result"]
    assert series["metric"] == {"job": "a"}
    assert [t for t, _ in series["values"]] == [60.0, 90.0, 180.0]


def test_date_functions_read_sample_values_as_unix_seconds_in_utc():
    eng = engine(("t", {}, [(0, 1_456_790_399)]))  # 2016-02-29 23:59:59, a Monday
    got = {name: instant(eng, f"{name}(t)", 0)[labels()] for name in (
        "year", "month", "day_of_month", "day_of_year", "days_in_month", "day_of_week",
        "hour", "minute")}  # fmt: skip
    assert got == {"year": 2016, "month": 2, "day_of_month": 29, "day_of_year": 60,
                   "days_in_month": 29, "day_of_week": 1, "hour": 23, "minute": 59}  # fmt: skip


def test_date_functions_without_argument_use_the_evaluation_time():
    assert instant(engine(), "hour()", 3 * 3600 + 59) == {labels(): 3}
    assert instant(engine(), "day_of_week()", -1) == {labels(): 3}  # 1969-12-31, a Wednesday


def test_histogram_quantile_uses_the_buckets_present_at_each_step():
    buckets = [("h", {"le": "1"}, [(0, 5), (60, 5)]), ("h", {"le": "+Inf"}, [(0, 10), (60, 10)])]
    eng = engine(*buckets, ("h", {"le": "0.5"}, [(0, 5), (60, "stale")]))
    data = eng.range_query("histogram_quantile(0.5, h)", 0, 60_000, 60_000).data()
    # at 0: rank 5 falls in the 0.5 bucket; at 60 s it is gone, rank 5 is in (0, 1]
    assert data["result"][0]["values"] == [[0.0, "0.5"], [60.0, "1"]]


def test_histogram_quantile_needs_an_inf_bucket():
    eng = engine(("h", {"le": "1"}, [(0, 5)]), ("h", {"le": "2"}, [(0, 8)]))
    (value,) = instant(eng, "histogram_quantile(0.5, h)", 0).values()
    assert math.isnan(value)


def test_clamp_with_min_above_max_returns_nothing():
    eng = engine(("m", {}, [(0, 5)]))
    assert instant(eng, "clamp(m, 10, 1)", 0) == {}
    assert instant(eng, "clamp(m, 6, 7)", 0) == {labels(): 6}


def test_round_goes_half_up_to_the_nearest_multiple():
    eng = engine(("m", {}, [(0, 2.5)]), ("n", {}, [(0, -2.5)]), ("o", {}, [(0, 3)]))
    assert instant(eng, "round(m)", 0) == {labels(): 3}
    assert instant(eng, "round(n)", 0) == {labels(): -2}
    assert instant(eng, "round(o, 2)", 0) == {labels(): 4}  # 3 is halfway between 2 and 4


def test_timestamp_of_a_selector_is_the_sample_time_otherwise_the_step():
    eng = engine(("m", {}, [(10, 1)]))
    assert instant(eng, "timestamp(m)", 100) == {labels(): 10}
    assert instant(eng, "timestamp(m + 0)", 100) == {labels(): 100}


def test_scalar_needs_exactly_one_series_and_vector_wraps_a_scalar():
    eng = engine(("m", {"a": "1"}, [(0, 4)]), ("m", {"a": "2"}, [(0, 5)]))
    assert instant(eng, 'scalar(m{a="1"})', 0) == {None: 4}
    assert math.isnan(instant(eng, "scalar(m)", 0)[None])
    assert instant(eng, "vector(pi())", 0) == {labels(): pytest.approx(math.pi)}


def test_label_join_concatenates_source_labels():
    eng = engine(("m", {"a": "x", "b": "y"}, [(0, 1)]))
    got = instant(eng, 'label_join(m, "c", "/", "a", "missing", "b")', 0)
    assert got == {labels(__name__="m", a="x", b="y", c="x//y"): 1}
