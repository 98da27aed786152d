"""``prom.storage.HydraStorage``: Hydra's series as Prometheus label sets, matched exactly
(regexes by RE2), their points in milliseconds with staleness markers merged in."""

from __future__ import annotations

import numpy as np
import pytest

from metrics.models import Point, Series, StaleMark
from prom.promql import LabelMatcher, TooManySeriesError, stale_mask
from prom.storage import HydraStorage

pytestmark = pytest.mark.django_db


def m(name: str, op: str, value: str) -> LabelMatcher:
    return LabelMatcher(name, op, value)


def series(name: str, host: str = "", labels=None, **extra) -> Series:
    s = Series(name=name, host=host, labels=labels or {}, **extra)
    s.save()
    return s


def points(s: Series, *samples: tuple[int, float]) -> None:
    Point.objects.bulk_create([Point(series=s, ts=t_ms * 1000, value=v) for t_ms, v in samples])


def select(*matchers, start=0, end=10**12, limit=None):
    found = HydraStorage(limit).select(list(matchers), start, end)
    return {tuple(sorted(d.labels.items())): d for d in found}


def keys(found) -> set[str]:
    return {dict(k).get("host", "") + "/" + dict(k)["__name__"] for k in found}


def test_labels_are_name_labels_and_a_real_host_only():
    series("up", host="web-1", labels={"job": "node"})
    series(
        "up", host="db-1", labels={"job": "node", "instance": "db-1:9100"}, host_from_instance=True
    )

    found = select(m("__name__", "=", "up"))

    assert set(found) == {
        (("__name__", "up"), ("host", "web-1"), ("job", "node")),
        (("__name__", "up"), ("instance", "db-1:9100"), ("job", "node")),
    }


def test_every_matcher_kind_filters_and_regexes_are_anchored():
    series("cpu.usage", host="web-1", labels={"mode": "idle"})
    series("cpu.usage", host="web-2", labels={"mode": "user"})
    series("cpu.usage_total", host="web-3")
    series("mem", host="web-1")

    assert keys(select(m("__name__", "=", "cpu.usage"), m("host", "=", "web-1"))) == {
        "web-1/cpu.usage"
    }
    assert keys(select(m("__name__", "=~", "cpu\\.usage"))) == {
        "web-1/cpu.usage",
        "web-2/cpu.usage",
    }
    assert keys(select(m("__name__", "=~", "cpu.*"), m("mode", "!=", "idle"))) == {
        "web-2/cpu.usage",
        "web-3/cpu.usage_total",
    }
    assert keys(select(m("host", "=~", "web-1"), m("__name__", "!~", "mem"))) == {"web-1/cpu.usage"}
    assert keys(select(m("__name__", "=~", "cpu.*"), m("mode", "=", ""))) == {
        "web-3/cpu.usage_total"
    }
    assert keys(select(m("__name__", "=~", ".+"), m("mode", "=", "user"))) == {"web-2/cpu.usage"}


def test_a_label_named_like_a_lookup_is_still_a_label():
    series("x", labels={"contains": "a", "in": "b"})
    series("x", labels={"contains": "b", "in": "b"})

    found = select(m("__name__", "=", "x"), m("contains", "=", "a"), m("in", "=", "b"))

    assert [dict(k)["contains"] for k in found] == ["a"]


def test_points_are_milliseconds_in_the_range_with_stale_marks_as_stale_nan():
    s = series("up", host="web-1")
    points(s, (1000, 1.0), (2000, 2.0), (3000, 3.0), (9000, 9.0))
    StaleMark.objects.create(series=s, ts=4_000_500)  # 4000.5 ms

    (data,) = select(m("__name__", "=", "up"), start=2000, end=5000).values()

    assert data.timestamps.tolist() == [2000, 3000, 4000]
    assert data.values[:2].tolist() == [2.0, 3.0]
    assert stale_mask(data.values).tolist() == [False, False, True]
    assert data.timestamps.dtype == np.int64


def test_a_series_without_points_in_the_range_is_returned_empty():
    s = series("up", host="web-1")
    points(s, (1000, 1.0))

    (data,) = select(m("__name__", "=", "up"), start=5000, end=6000).values()

    assert len(data.timestamps) == 0 and len(data.values) == 0


def test_more_series_than_the_limit_is_refused_before_reading_points(django_assert_max_num_queries):
    for i in range(4):
        series("up", host=f"h{i}")

    with pytest.raises(TooManySeriesError), django_assert_max_num_queries(1):
        select(m("__name__", "=", "up"), limit=3)
    assert len(select(m("__name__", "=", "up"), limit=4)) == 4


def test_many_series_cost_a_fixed_number_of_queries(django_assert_max_num_queries):
    for i in range(30):
        points(series("up", host=f"h{i}"), (1000, float(i)))

    # the series; the hot points; the compressed chunks; the stale marks
    with django_assert_max_num_queries(4):
        found = select(m("__name__", "=", "up"))

    assert sorted(d.values[0] for d in found.values()) == [float(i) for i in range(30)]
