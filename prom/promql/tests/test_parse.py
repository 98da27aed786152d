"""Parsing with promql-parser into the engine's nodes, and the storage helpers for staleness."""

from __future__ import annotations

import numpy as np
import pytest

from prom.promql import STALE_NAN, BadDataError, parse, stale_mask, value_type, with_stale_markers
from prom.promql.ast import At, Binary, Call, MatrixSel, Selector, Subquery


def test_a_selector_keeps_its_matchers_offset_and_at_in_milliseconds():
    node = parse('foo{job=~"a.*", x!="1"} offset 1m30s @ 12.5')
    assert isinstance(node, Selector)
    assert [str(m) for m in node.matchers] == ['__name__="foo"', 'job=~"a.*"', 'x!="1"']
    assert (node.offset_ms, node.at) == (90_000, At("at", 12_500))


def test_negative_offsets_and_timestamps_survive_the_conversion():
    node = parse("foo offset -5m @ -1.5")
    assert (node.offset_ms, node.at) == (-300_000, At("at", -1_500))
    sub = parse("foo[10m:1m] @ -100 offset 1m")
    assert isinstance(sub, Subquery)
    assert (sub.range_ms, sub.step_ms, sub.offset_ms, sub.at) == (
        600_000,
        60_000,
        60_000,
        At("at", -100_000),
    )


def test_start_and_end_are_kept_for_the_query_to_resolve():
    node = parse("rate(foo[5m] @ end())")
    assert isinstance(node, Call) and isinstance(node.args[0], MatrixSel)
    assert node.args[0].selector.at == At("end")


def test_a_quoted_utf8_name_becomes_a_name_matcher():
    node = parse('{"cpu.usage", host="web-1"}')
    assert [str(m) for m in node.matchers] == ['__name__="cpu.usage"', 'host="web-1"']


def test_holt_winters_is_known_under_its_prometheus_2_name():
    node = parse("holt_winters(foo[5m], 0.1, 0.5)")
    assert isinstance(node, Call) and node.name == "holt_winters"


def test_vector_matching_modifiers_are_read():
    node = parse("a / on(x, y) group_left(z) b")
    assert isinstance(node, Binary)
    assert (node.matching.card, node.matching.on) == ("many-to-one", True)
    assert (node.matching.labels, node.matching.include) == (("x", "y"), ("z",))
    assert parse("a and b").matching.card == "many-to-many"


@pytest.mark.parametrize(
    ("query", "kind"),
    [("1", "scalar"), ("time()", "scalar"), ('"s"', "string"), ("m", "vector"),
     ("m[1m]", "matrix"), ("m[1m:]", "matrix"), ("1 + m", "vector"), ("-(1 * 2)", "scalar")],
)  # fmt: skip
def test_value_types_are_those_of_prometheus(query, kind):
    assert value_type(parse(query)) == kind


def test_an_at_timestamp_beyond_int64_milliseconds_is_refused():
    with pytest.raises(BadDataError, match="timestamp out of bounds for @ modifier"):
        parse("foo @ 1e20")


def test_syntax_errors_name_the_problem():
    with pytest.raises(BadDataError, match="parse error"):
        parse("sum by (")


def test_stale_markers_are_a_nan_bit_pattern_distinct_from_plain_nan():
    values = with_stale_markers(np.array([1.0, np.nan, 3.0]), np.array([False, False, True]))
    assert stale_mask(values).tolist() == [False, False, True]
    assert np.isnan(values[2]) and np.isnan(STALE_NAN)
    assert values[0] == 1.0
