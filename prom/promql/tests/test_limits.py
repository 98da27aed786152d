"""Limits, the timeout, and error types carrying Prometheus's errorType and HTTP status."""

from __future__ import annotations

import time

import pytest

from prom.promql import (
    BadDataError,
    Engine,
    EngineOptions,
    ExecutionError,
    QueryTimeoutError,
    TooManySamplesError,
    TooManySeriesError,
)

from .helpers import counter, engine, storage

MANY = [("m", {"i": str(i)}, counter(0, 600, 15, 1)) for i in range(20)]


def test_a_selector_matching_too_many_series_fails_with_an_execution_error():
    eng = engine(*MANY, max_series_per_selector=10)
    with pytest.raises(TooManySeriesError, match="matched 20 series, more than 10") as info:
        eng.instant_query("m", 600_000)
    assert (info.value.error_type, info.value.http_status) == ("execution", 422)
    assert engine(*MANY, max_series_per_selector=20).instant_query("m", 600_000)


def test_loading_too_many_samples_fails_like_prometheus():
    eng = engine(*MANY, max_samples=500)  # 20 series x 41 samples
    with pytest.raises(TooManySamplesError) as info:
        eng.instant_query("sum(rate(m[10m]))", 600_000)
    assert str(info.value) == (
        "query processing would load too many samples into memory in query execution"
    )
    assert info.value.error_type == "execution"
    assert engine(*MANY, max_samples=1000).instant_query("sum(rate(m[10m]))", 600_000)


def test_a_range_query_result_counts_against_the_sample_limit():
    eng = engine(*MANY, max_samples=1000)
    with pytest.raises(TooManySamplesError):
        eng.range_query("m", 0, 600_000, 15_000)  # 20 x 41 loaded + 20 x 41 returned


class _SlowStorage:
    def __init__(self, delay: float) -> None:
        self.inner = storage(*MANY)
        self.delay = delay

    def select(self, matchers, start_ms, end_ms):
        time.sleep(self.delay)
        return self.inner.select(matchers, start_ms, end_ms)


def test_a_query_past_its_deadline_times_out_with_a_503_error():
    eng = Engine(_SlowStorage(0.05), EngineOptions(timeout_s=0.02))
    with pytest.raises(QueryTimeoutError, match="query timed out in expression evaluation") as info:
        eng.instant_query("m + m", 600_000)
    assert (info.value.error_type, info.value.http_status) == ("timeout", 503)
    assert Engine(_SlowStorage(0.001), EngineOptions(timeout_s=5)).instant_query("m + m", 600_000)


def test_parse_errors_are_bad_data_errors():
    eng = engine()
    for query in ("sum(", "rate(m)", 'm{a=~"("}', "1 > 1", "unknown_fn(m)", "m[5m][1m:]"):
        with pytest.raises(BadDataError) as info:
            eng.instant_query(query, 0)
        assert (info.value.error_type, info.value.http_status) == ("bad_data", 400)


def test_functions_and_syntax_newer_than_prometheus_2_42_are_refused():
    eng = engine()
    for query in (
        "mad_over_time(m[5m])",
        "limitk(1, m)",
        'sort_by_label(m, "a")',
        '{a="1" or b="2"}',
    ):
        with pytest.raises(BadDataError):
            eng.instant_query(query, 0)


def test_range_queries_validate_their_step_and_type():
    eng = engine()
    with pytest.raises(BadDataError, match="zero or negative query resolution step"):
        eng.range_query("1", 0, 60_000, 0)
    with pytest.raises(BadDataError, match="11,000 points per timeseries"):
        eng.range_query("1", 0, 11_001_000, 1000)
    with pytest.raises(BadDataError, match='invalid expression type "range vector"'):
        eng.range_query("m[5m]", 0, 60_000, 15_000)
    with pytest.raises(BadDataError, match="end timestamp must not be before start"):
        eng.range_query("1", 60_000, 0, 15_000)


def test_invalid_function_arguments_are_execution_errors():
    eng = engine(*MANY)
    with pytest.raises(ExecutionError, match="invalid smoothing factor"):
        eng.instant_query("holt_winters(m[5m], 1.5, 0.5)", 600_000)
    with pytest.raises(ExecutionError, match="invalid destination label name"):
        eng.instant_query('label_replace(m, "1x", "", "i", ".*")', 600_000)
    with pytest.raises(ExecutionError, match="overflows int64"):
        eng.instant_query("topk(1e20, m)", 600_000)


def test_series_times_steps_beyond_the_limit_are_refused_before_allocating():
    eng = engine(*MANY, max_samples=20 * 1000)
    with pytest.raises(TooManySamplesError):
        eng.range_query("m", 0, 2_000_000, 1_000)  # 20 series x 2,001 steps
