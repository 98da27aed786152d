"""The API's data object: values formatted like Go's FormatFloat, types, order, JSON text."""

from __future__ import annotations

import json
import math
import struct

import numpy as np
import pytest

from prom.promql import format_float
from prom.promql.format import format_floats, format_timestamp

from .helpers import engine


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"),
        (-0.0, "-0"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e-7, "0.0000001"),
        (1e21, "1000000000000000000000"),
        (123456789012345680000.0, "123456789012345680000"),
        (2.5e-5, "0.000025"),
        (math.nan, "NaN"),
        (math.inf, "+Inf"),
        (-math.inf, "-Inf"),
        (9.988465674311579e307, "998846567431158" + "0" * 293),  # shortest digits
    ],
)
def test_values_are_written_like_go_formatfloat_f_minus_one(value, text):
    assert format_float(value) == text
    assert format_floats(np.array([value])) == [text]


def test_the_array_formatter_agrees_with_the_scalar_one_on_any_bit_pattern():
    rng = np.random.default_rng(7)
    bits = rng.integers(0, 2**63, 5000, dtype=np.int64).tolist()
    values = np.array([struct.unpack("<d", struct.pack("<q", b))[0] for b in bits])
    values = np.concatenate([values, rng.normal(0, 1e6, 5000), np.round(rng.random(500), 3)])
    assert format_floats(values) == [format_float(v) for v in values]


def test_each_formatted_value_reads_back_exactly():
    values = np.random.default_rng(3).lognormal(0, 20, 2000)
    assert [float(t) for t in format_floats(values)] == values.tolist()


def test_timestamps_are_seconds_with_milliseconds_as_prometheus_writes_them():
    assert format_timestamp(1_700_000_000_000) == "1700000000"
    assert format_timestamp(1_500) == "1.500"
    assert format_timestamp(-1_010) == "-1.010"


def test_result_types_of_instant_queries():
    eng = engine(("m", {"a": "1"}, [(0, 1), (30, 2)]))
    assert eng.instant_query("1 + 1", 60_000).data() == {
        "resultType": "scalar",
        "result": [60.0, "2"],
    }
    assert eng.instant_query('"hi"', 60_000).data() == {
        "resultType": "string",
        "result": [60.0, "hi"],
    }
    assert eng.instant_query("m", 60_000).data() == {
        "resultType": "vector",
        "result": [{"metric": {"__name__": "m", "a": "1"}, "value": [60.0, "2"]}],
    }
    assert eng.instant_query("m[1m]", 60_000).data() == {
        "resultType": "matrix",
        "result": [{"metric": {"__name__": "m", "a": "1"}, "values": [[0.0, "1"], [30.0, "2"]]}],
    }


def test_range_queries_always_answer_a_matrix_sorted_by_labels():
    eng = engine(("m", {"a": "2"}, [(0, 5)]), ("m", {"a": "1"}, [(0, 6)]))
    data = eng.range_query("sort_desc(m)", 0, 30_000, 15_000).data()
    assert data["resultType"] == "matrix"
    assert [s["metric"]["a"] for s in data["result"]] == ["1", "2"]
    assert data["result"][0]["values"] == [[0.0, "6"], [15.0, "6"], [30.0, "6"]]
    scalar = eng.range_query("time()", 0, 30_000, 15_000).data()
    assert scalar["result"] == [{"metric": {}, "values": [[0.0, "0"], [15.0, "15"], [30.0, "30"]]}]


def test_an_instant_query_keeps_the_order_of_sort_and_topk():
    eng = engine(*[("m", {"a": str(i)}, [(0, v)]) for i, v in enumerate([3, 1, 2, math.nan])])
    order = [s["metric"]["a"] for s in eng.instant_query("sort(m)", 0).data()["result"]]
    assert order == ["1", "2", "0", "3"]  # NaN last
    order = [s["metric"]["a"] for s in eng.instant_query("sort_desc(m)", 0).data()["result"]]
    assert order == ["0", "2", "1", "3"]
    order = [s["metric"]["a"] for s in eng.instant_query("topk(2, m)", 0).data()["result"]]
    assert order == ["0", "2"]


@pytest.mark.parametrize("query", ["m", "m[1m]", "rate(m[1m])", "1", '"s"', "sum(m)"])
def test_the_json_text_is_the_data_object(query):
    eng = engine(("m", {"a": 'q"uote', "b": "é"}, [(0, 1), (15.5, 2.25), (30, 1e-9)]))
    for result in (eng.instant_query(query, 30_000), eng.instant_query(query, 20_500)):
        assert json.loads(result.json()) == result.data()
    if query != '"s"' and query != "m[1m]":
        ranged = eng.range_query(query, 0, 30_000, 7_500)
        assert json.loads(ranged.json()) == ranged.data()


def test_series_gives_labels_timestamps_and_values():
    eng = engine(("m", {"a": "1"}, [(0, 1), (15, 2)]))
    ((labels, ts, values),) = eng.range_query("m * 2", 0, 15_000, 15_000).series()
    assert labels == {"a": "1"}
    assert ts.tolist() == [0, 15_000]
    assert values.tolist() == [2.0, 4.0]


def test_the_fast_json_writer_agrees_with_the_data_object_on_random_results():
    rng = np.random.default_rng(11)
    plain = [0.0, -0.0, 1.0, 0.5, 10.0, 0.05, 100.0, 1e15, 123.456, 1e-4]
    for trial in range(100):  # every other result has values only written with an exponent
        choices = plain + [2.5e-7, 1e300, math.nan] if trial % 2 else plain
        eng = engine(
            *[
                ("m", {"i": str(i)}, [(float(t), float(v)) for t, v in zip(
                    np.unique(rng.integers(-1000, 1000, 6)) / rng.choice([1, 4, 1000]),
                    rng.choice(choices, 6) if i % 2 else rng.normal(0, 1e4, 6), strict=False)])
                for i in range(int(rng.integers(1, 5)))
            ]
        )  # fmt: skip
        result = eng.range_query("m", -1_000_000, 1_000_000, 250_000)
        assert json.loads(result.json()) == result.data()
