"""rate / increase / delta / irate: Prometheus's extrapolation and counter-reset rules."""

from __future__ import annotations

import pytest

from .helpers import counter, engine, instant, labels

NO_NAME = labels()


def test_rate_of_a_steady_counter_is_its_slope_when_the_window_is_covered():
    eng = engine(("m", {}, counter(0, 600, 15, 10)))
    assert instant(eng, "rate(m[1m])", 300) == {NO_NAME: pytest.approx(10 / 15)}


def test_samples_short_of_the_window_edges_are_extrapolated_to_the_edges():
    # window [247.5, 307.5] holds 255..300: 30 over 45 s, 7.5 s missing at each end
    eng = engine(("m", {}, counter(0, 600, 15, 10)))
    assert instant(eng, "increase(m[1m])", 307.5) == {NO_NAME: pytest.approx(40)}
    assert instant(eng, "rate(m[1m])", 307.5) == {NO_NAME: pytest.approx(40 / 60)}


def test_a_counter_is_not_extrapolated_below_zero():
    # 5, 15, 25, 35 at 100..145 s: the counter was 0 at 92.5 s, not before
    eng = engine(("m", {}, [(100 + 15 * i, 5 + 10 * i) for i in range(4)]))
    assert instant(eng, "increase(m[5m])", 145) == {NO_NAME: pytest.approx(35)}


def test_a_series_ending_inside_the_window_is_extrapolated_by_half_an_interval_only():
    eng = engine(("m", {}, counter(0, 60, 15, 10)))
    # 40 over 0..60 s, then nothing for 60 s (more than 1.1 intervals): +7.5 s only
    assert instant(eng, "increase(m[2m])", 120) == {NO_NAME: pytest.approx(45)}


def test_a_counter_reset_adds_the_value_before_the_reset():
    eng = engine(("m", {}, [(0, 0), (15, 10), (30, 20), (45, 5), (60, 15)]))
    assert instant(eng, "increase(m[1m])", 60) == {NO_NAME: pytest.approx(35)}
    assert instant(eng, "resets(m[1m])", 60) == {NO_NAME: 1}


def test_several_resets_in_one_window_are_all_corrected():
    eng = engine(("m", {}, [(0, 0), (15, 8), (30, 2), (45, 6), (60, 1), (75, 4)]))
    # rises 8, 2, 4, 1, 3 = 18 over the whole 75 s window
    assert instant(eng, "increase(m[75s])", 75) == {NO_NAME: pytest.approx(18)}


def test_delta_treats_the_series_as_a_gauge():
    eng = engine(("m", {}, [(0, 10), (15, 5), (30, 0), (45, -5)]))
    assert instant(eng, "delta(m[45s])", 45) == {NO_NAME: pytest.approx(-15)}
    # as a counter each fall is a reset: -5 - 10 + (10 + 5 + 0) = 0
    assert instant(eng, "increase(m[45s])", 45) == {NO_NAME: 0}


def test_a_single_sample_gives_no_rate():
    eng = engine(("m", {}, [(0, 1), (100, 2)]))
    assert instant(eng, "rate(m[1m])", 100) == {}
    assert instant(eng, "count_over_time(m[1m])", 100) == {NO_NAME: 1}


def test_irate_and_idelta_use_the_last_two_samples():
    eng = engine(("m", {}, [(0, 0), (15, 10), (30, 20), (45, 5)]))
    assert instant(eng, "irate(m[1m])", 45) == {NO_NAME: pytest.approx(5 / 15)}
    assert instant(eng, "idelta(m[1m])", 45) == {NO_NAME: pytest.approx(-15)}


def test_rate_drops_the_metric_name_but_keeps_the_other_labels():
    eng = engine(("m", {"job": "a"}, counter(0, 60, 15, 15)))
    assert instant(eng, "rate(m[1m])", 60) == {labels(job="a"): pytest.approx(1)}


def test_a_range_query_gives_each_step_the_instant_query_result():
    eng = engine(("m", {}, [(t, (t * 7) % 200) for t in range(0, 900, 15)]))
    data = eng.range_query("rate(m[2m])", 200_000, 800_000, 30_000).data()
    (series,) = data["result"]
    for t, value in series["values"]:
        assert instant(eng, "rate(m[2m])", t) == {NO_NAME: pytest.approx(float(value))}
    assert len(series["values"]) == 21


def test_rate_over_a_subquery_uses_the_subquery_points_without_staleness_gaps():
    eng = engine(("m", {}, counter(0, 600, 10, 1)))
    # the subquery evaluates m at 0, 60, ..., 300: 0, 6, ..., 30 exactly on the edges
    assert instant(eng, "increase(m[5m:1m])", 300) == {NO_NAME: pytest.approx(30)}
