"""Instant and range vector selectors: lookback, staleness, offset, @, quoted names."""

from __future__ import annotations

import numpy as np

from prom.promql import Engine, MemoryStorage, SeriesData

from .helpers import STALE, engine, instant, labels, storage


def test_it_takes_the_latest_sample_within_the_lookback_window_including_its_left_edge():
    eng = engine(("m", {}, [(0, 1), (10, 2)]))
    assert instant(eng, "m", 9.999) == {labels(__name__="m"): 1}
    assert instant(eng, "m", 310) == {labels(__name__="m"): 2}  # exactly 5 m after: kept
    assert instant(eng, "m", 310.001) == {}


def test_the_lookback_window_is_configurable():
    eng = engine(("m", {}, [(0, 1)]), lookback_ms=60_000)
    assert instant(eng, "m", 60) == {labels(__name__="m"): 1}
    assert instant(eng, "m", 61) == {}


def test_a_staleness_marker_ends_the_series_until_the_next_sample():
    eng = engine(("m", {}, [(0, 1), (10, STALE), (20, 3)]))
    assert instant(eng, "m", 5) == {labels(__name__="m"): 1}
    assert instant(eng, "m", 15) == {}
    assert instant(eng, "m", 25) == {labels(__name__="m"): 3}


def test_a_range_selector_skips_staleness_markers_and_includes_both_window_edges():
    eng = engine(("m", {}, [(0, 1), (10, STALE), (20, 3), (30, 4)]))
    assert instant(eng, "count_over_time(m[20s])", 30) == {labels(): 2}
    assert instant(eng, "count_over_time(m[30s])", 30) == {labels(): 3}


def test_an_ordinary_nan_is_a_value_not_a_staleness_marker():
    eng = engine(("m", {}, [(0, float("nan"))]))
    (value,) = instant(eng, "m", 1).values()
    assert np.isnan(value)


def test_offset_and_at_move_the_evaluation_time():
    eng = engine(("m", {}, [(t, t) for t in range(0, 1000, 10)]))
    assert instant(eng, "m offset 100s", 500) == {labels(__name__="m"): 400}
    assert instant(eng, "m @ 200", 900) == {labels(__name__="m"): 200}
    assert instant(eng, "m @ 300 offset 50s", 10) == {labels(__name__="m"): 250}
    assert instant(eng, "m offset -100s", 500) == {labels(__name__="m"): 600}


def test_at_start_and_end_refer_to_the_range_query_bounds():
    eng = engine(("m", {}, [(t, t) for t in range(0, 1000, 10)]))
    data = eng.range_query("m @ start() + m @ end()", 100_000, 200_000, 50_000).data()
    (series,) = data["result"]
    assert [v for _, v in series["values"]] == ["300", "300", "300"]


def test_a_negative_at_timestamp_is_read_exactly():
    eng = engine(("m", {}, [(-100.5, 7), (0, 8)]))
    assert instant(eng, "m @ -100.5", 50) == {labels(__name__="m"): 7}
    assert instant(eng, "m @ -100.501", 50) == {}


def test_quoted_utf8_metric_names_select_hydras_dotted_names():
    eng = engine(
        ("cpu.usage", {"host": "web-1"}, [(0, 0.5)]),
        ("cpu.usage", {"host": "web-2"}, [(0, 0.7)]),
    )
    got = instant(eng, '{"cpu.usage", host="web-1"}', 10)
    assert got == {labels(__name__="cpu.usage", host="web-1"): 0.5}
    assert instant(eng, 'sum({"cpu.usage"})', 10) == {labels(): 1.2}


def test_series_come_back_sorted_by_labels_whatever_the_storage_order():
    store = storage(("m", {"x": "b"}, [(0, 2)]), ("m", {"x": "a"}, [(0, 1)]))
    data = Engine(store).instant_query("m", 1000).data()
    assert [s["metric"]["x"] for s in data["result"]] == ["a", "b"]


class _Superset:
    """A backend that ignores the matchers and sends every sample it has."""

    def __init__(self, series: list[SeriesData]) -> None:
        self.series = series
        self.calls: list = []

    def select(self, matchers, start_ms, end_ms):
        self.calls.append(([str(m) for m in matchers], start_ms, end_ms))
        return self.series


def test_the_engine_refilters_what_a_backend_returns_and_passes_it_pushdownable_matchers():
    ts = np.array([0, 1000, 2000], dtype=np.int64)
    store = _Superset(
        [
            SeriesData({"__name__": "a", "job": "x"}, ts, np.array([1.0, 2, 3])),
            SeriesData({"__name__": "a", "job": "y"}, ts, np.array([4.0, 5, 6])),
            SeriesData({"__name__": "b", "job": "x"}, ts, np.array([7.0, 8, 9])),
        ]
    )
    data = Engine(store).instant_query('a{job=~"x|z"}', 1500).data()
    assert [(s["metric"], s["value"][1]) for s in data["result"]] == [
        ({"__name__": "a", "job": "x"}, "2")
    ]
    assert store.calls == [(['__name__="a"', 'job=~"x|z"'], 1500 - 300_000, 1500)]


def test_memory_storage_selects_by_matchers_and_time_window():
    store = storage(("m", {"a": "1"}, [(0, 1), (10, 2), (20, 3)]), ("n", {}, [(0, 1)]))
    from prom.promql import LabelMatcher

    (series,) = store.select([LabelMatcher("__name__", "=", "m")], 5_000, 20_000)
    assert series.labels == {"__name__": "m", "a": "1"}
    assert series.timestamps.tolist() == [10_000, 20_000]
    assert store.select([LabelMatcher("a", "!=", "")], 0, 1) != []
    assert store.select([LabelMatcher("b", "=~", ".+")], 0, 1) == []


def test_an_empty_storage_answers_an_empty_vector():
    assert Engine(MemoryStorage()).instant_query("m", 0).data() == {
        "resultType": "vector",
        "result": [],
    }


def test_unsorted_or_duplicate_timestamps_from_a_backend_are_normalised():
    ts = np.array([2000, 1000, 1000, 3000], dtype=np.int64)  # e.g. µs // 1000 collisions
    store = _Superset([SeriesData({"__name__": "a"}, ts, np.array([2.0, 1.0, 1.5, 3.0]))])
    data = Engine(store).instant_query("a[5s]", 3000).data()
    assert data["result"][0]["values"] == [[1.0, "1.5"], [2.0, "2"], [3.0, "3"]]


def test_split_rows_turns_one_ordered_result_set_into_series():
    from prom.promql import split_rows

    labels = {7: {"__name__": "a"}, 3: {"__name__": "b"}, 9: {"__name__": "c"}}
    ids = np.array([3, 3, 7, 7, 7])
    series = split_rows(labels, ids, np.array([1, 2, 1, 2, 3]), np.array([1.0, 2, 3, 4, 5]))
    got = {s.labels["__name__"]: (s.timestamps.tolist(), s.values.tolist()) for s in series}
    assert got == {"a": ([1, 2, 3], [3, 4, 5]), "b": ([1, 2], [1, 2]), "c": ([], [])}
