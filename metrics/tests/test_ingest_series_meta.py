"""What Prometheus-style senders add to a batch: staleness markers, hosts derived from
``instance``, metric metadata, NaN values (``metrics.services.points_ingest``)."""

from __future__ import annotations

import math
import time

import pytest
from django.db import connection

from metrics.ingest import Batch, SeriesMeta
from metrics.ingest.series_ids import forget_all
from metrics.models import Point, Series, StaleMark
from metrics.selectors import stale_marks
from metrics.services import points_ingest, series_delete
from metrics.tests.factories import SeriesFactory

pytestmark = pytest.mark.django_db
NOW_US = int(time.time()) * 1_000_000
NODE = ("node_load1", "", (("instance", "web-1:9100"), ("job", "node")))


def batch_of(*points, key=NODE, stale=(), host=None, meta=None) -> Batch:
    batch = Batch()
    pos = batch.series_position(key) if points or stale else -1
    for ts, value in points:
        batch.add(pos, ts, value)
    for ts in stale:
        batch.stale_index.append(pos)
        batch.stale_ts.append(ts)
    if host:
        batch.derived_hosts[pos] = host
    batch.meta.update(meta or {})
    return batch


def test_stale_marks_are_stored_apart_from_the_points():
    points_ingest(batch=batch_of((NOW_US - 2, 1.0), stale=[NOW_US]))
    series = Series.objects.get()
    assert list(Point.objects.values_list("ts", "value")) == [(NOW_US - 2, 1.0)]
    assert stale_marks(series_ids=[series.pk], start_us=0, end_us=NOW_US) == {series.pk: [NOW_US]}


def test_a_resent_stale_mark_is_stored_once():
    for _ in range(2):
        points_ingest(batch=batch_of(stale=[NOW_US, NOW_US + 5]))
    assert StaleMark.objects.count() == 2


def test_the_selector_keeps_to_the_range_and_the_series():
    points_ingest(batch=batch_of(stale=[NOW_US - 10, NOW_US, NOW_US + 10]))
    other = ("node_load5", "", NODE[2])
    points_ingest(batch=batch_of(key=other, stale=[NOW_US]))
    sid = Series.objects.get(name="node_load1").pk
    assert stale_marks(series_ids=[sid], start_us=NOW_US - 5, end_us=NOW_US + 5) == {sid: [NOW_US]}


def test_a_derived_host_is_shown_but_not_part_of_the_identity():
    points_ingest(batch=batch_of((NOW_US, 1.0), host="web-1"))
    series = Series.objects.get()
    assert (series.host, series.host_from_instance) == ("web-1", True)
    assert series.labels == {"instance": "web-1:9100", "job": "node"}
    assert series.prometheus_labels == {
        "__name__": "node_load1",
        "instance": "web-1:9100",
        "job": "node",
    }
    forget_all()
    points_ingest(batch=batch_of((NOW_US + 1, 2.0), host="web-1"))
    assert Series.objects.count() == 1


def test_a_series_with_a_host_of_its_own_is_another_series():
    points_ingest(batch=batch_of((NOW_US, 1.0), host="web-1"))
    points_ingest(batch=batch_of((NOW_US, 2.0), key=("node_load1", "web-1", NODE[2])))
    rows = {s.host_from_instance: s.prometheus_labels for s in Series.objects.all()}
    assert rows[False]["host"] == "web-1" and "host" not in rows[True]


def test_metadata_types_new_series_and_updates_existing_ones():
    counter = SeriesMeta("counter", "Seconds the CPUs spent", "seconds")
    points_ingest(batch=batch_of((NOW_US, 1.0)))
    assert Series.objects.get().type == "unknown"
    points_ingest(batch=batch_of(meta={"node_load1": counter}))
    series = Series.objects.get()
    assert (series.type, series.help, series.unit) == (
        "counter",
        "Seconds the CPUs spent",
        "seconds",
    )
    sibling = ("node_load1", "", (("instance", "web-2:9100"), ("job", "node")))
    points_ingest(batch=batch_of((NOW_US, 3.0), key=sibling))
    assert Series.objects.get(labels__instance="web-2:9100").type == "counter"


def test_a_metadata_only_batch_writes_no_points():
    points_ingest(batch=batch_of((NOW_US, 1.0)))
    assert points_ingest(batch=batch_of(meta={"node_load1": SeriesMeta("gauge")})) == 0
    assert Point.objects.count() == 1 and Series.objects.get().type == "gauge"


def test_infinities_are_values_and_nan_is_kept_where_the_database_can():
    stored = points_ingest(
        batch=batch_of((NOW_US, math.inf), (NOW_US + 1, -math.inf), (NOW_US + 2, math.nan))
    )
    values = list(Point.objects.order_by("ts").values_list("value", flat=True))
    assert stored == 3 and values[:2] == [math.inf, -math.inf]
    if connection.vendor == "postgresql":
        assert math.isnan(values[2])
    else:  # SQLite stores NaN as NULL: the point is skipped
        assert len(values) == 2


def test_deleting_a_series_deletes_its_stale_marks():
    points_ingest(batch=batch_of((NOW_US, 1.0), stale=[NOW_US + 1]))
    series_delete(series=Series.objects.get())
    assert StaleMark.objects.count() == 0


def test_metadata_sent_before_any_series_types_them_at_creation(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        points_ingest(batch=batch_of(meta={"node_load1": SeriesMeta("gauge", "1m load")}))
    assert not Series.objects.exists()
    points_ingest(batch=batch_of((NOW_US, 0.5)))
    assert (Series.objects.get().type, Series.objects.get().help) == ("gauge", "1m load")


def test_metadata_sent_before_any_series_still_types_them_on_its_next_send(
    django_capture_on_commit_callbacks,
):
    gauge = SeriesMeta("gauge", "1m load average")
    with django_capture_on_commit_callbacks(execute=True):  # what the process remembers
        points_ingest(batch=batch_of(meta={"node_load1": gauge}))  # no series of it yet
    made_elsewhere = SeriesFactory(name="node_load1")  # e.g. by another process, untyped
    assert made_elsewhere.type == "unknown"
    with django_capture_on_commit_callbacks(execute=True):
        points_ingest(batch=batch_of(meta={"node_load1": gauge}))  # Prometheus's next send
    made_elsewhere.refresh_from_db()
    assert (made_elsewhere.type, made_elsewhere.help) == ("gauge", "1m load average")
