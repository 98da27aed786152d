"""PostgreSQL's time-partitioned hot table: points land in their window's partition,
compaction drops the partitions it emptied (their space returned at once), late points and
a crash between detach and drop lose nothing, retention deletes only the rows it means."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection

from metrics import partitions
from metrics.chunks.codec import WIDTH_US
from metrics.models import Chunk, Point, Series
from metrics.retention import retention_enforce
from metrics.selectors import raw_points
from metrics.services import points_compact
from metrics.tests.factories import SeriesFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning is PostgreSQL's"),
]
US = 1_000_000
HOUR = 3600 * US
NOW = 1_800_000_000 * US  # a fixed "now"
PAST = (NOW // WIDTH_US) * WIDTH_US - 4 * WIDTH_US  # a whole window, well before the cutoff


def put(series: Series, ts, values) -> None:
    Point.objects.bulk_create(
        [Point(series=series, ts=int(t), value=float(v)) for t, v in zip(ts, values, strict=True)]
    )


def partition_of(series: Series, ts: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM metrics_point WHERE series_id = %s AND ts = %s",
            [series.pk, ts],
        )
        return cursor.fetchone()[0]


def exists(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        return cursor.fetchone()[0]


def everything(series: Series) -> list[tuple[int, float]]:
    got = raw_points(series_ids=[series.pk], start_us=-(2**62), end_us=2**62)
    ts, values = got.get(series.pk, (np.array([]), np.array([])))
    return list(zip(ts.tolist(), values.tolist(), strict=True))


def test_the_table_is_partitioned_and_points_land_in_their_windows_partition():
    assert partitions.partitioned()
    made = partitions.ensure(now_us=PAST)
    windows = [PAST + i * WIDTH_US for i in range(partitions.AHEAD + 1)]
    assert made == [partitions.name_for(w, t) for t in partitions.TABLES for w in windows]
    assert partitions.ensure(now_us=PAST) == []  # made once
    s = SeriesFactory()
    put(s, [PAST + 10 * US, PAST - 10 * US], [1.0, 2.0])
    assert partition_of(s, PAST + 10 * US) == partitions.name_for(PAST)
    assert partition_of(s, PAST - 10 * US) == "metrics_point_default"  # no partition there


def test_compaction_drops_the_partition_it_emptied_and_reads_do_not_change():
    partitions.ensure(now_us=PAST)
    s = SeriesFactory()
    ts = PAST + np.arange(0, WIDTH_US, 10 * US)
    put(s, ts, np.round(np.sin(ts / 1e9) * 50, 2))
    before = everything(s)

    done = points_compact(older_than_us=2 * HOUR, now_us=NOW)

    name = partitions.name_for(PAST)
    assert name in done.dropped and not exists(name)
    assert Chunk.objects.filter(series=s, start=PAST).get().count == len(ts)
    assert everything(s) == before
    assert exists(partitions.name_for((NOW // WIDTH_US) * WIDTH_US))  # the coming ones made


def test_the_minute_rollups_of_compacted_windows_go_with_their_partitions():
    from metrics.ingest.batch import Batch
    from metrics.models import Rollup1m
    from metrics.rollups import rollups_update
    from metrics.services import points_ingest

    partitions.ensure(now_us=PAST)
    s = SeriesFactory()
    batch = Batch()
    position = batch.series_position((s.name, s.host, tuple(sorted(s.labels.items()))))
    for t in range(0, 600, 10):
        batch.add(position, PAST + t * US, float(t))
    points_ingest(batch=batch)
    rollups_update()
    rollups = partitions.name_for(PAST, partitions.ROLLUPS_1M)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {rollups}")
        assert cursor.fetchone() == (10,)  # ten minutes, in their window's partition

    done = points_compact(older_than_us=2 * HOUR, now_us=NOW)

    assert rollups in done.dropped and not exists(rollups)
    assert not Rollup1m.objects.filter(series=s).exists()
    assert Chunk.objects.get(series=s).count == 60


def test_a_partition_that_still_holds_points_is_kept():
    partitions.ensure(now_us=PAST)
    s = SeriesFactory()
    put(s, [PAST + US], [1.0])
    assert partitions.name_for(PAST) not in partitions.drop_compacted(NOW)  # not compacted yet
    assert exists(partitions.name_for(PAST)) and everything(s) == [(PAST + US, 1.0)]


def test_a_late_point_into_a_dropped_window_is_read_at_once_and_compacted_next():
    partitions.ensure(now_us=PAST)
    s = SeriesFactory()
    put(s, [PAST + US, PAST + 2 * US], [1.0, 2.0])
    points_compact(older_than_us=2 * HOUR, now_us=NOW)
    put(s, [PAST + 3 * US], [3.0])
    assert partition_of(s, PAST + 3 * US) == "metrics_point_default"
    assert everything(s) == [(PAST + US, 1.0), (PAST + 2 * US, 2.0), (PAST + 3 * US, 3.0)]

    points_compact(older_than_us=2 * HOUR, now_us=NOW)

    assert Point.objects.filter(series=s).count() == 0
    assert Chunk.objects.get(series=s).count == 3
    assert [v for _, v in everything(s)] == [1.0, 2.0, 3.0]


def test_a_partition_left_detached_by_a_crash_is_moved_back_then_dropped():
    partitions.ensure(now_us=PAST)
    s = SeriesFactory()
    put(s, [PAST + US], [7.0])
    name = partitions.name_for(PAST)
    with connection.cursor() as cursor:  # the crash: detached, not yet moved or dropped
        cursor.execute(f"ALTER TABLE metrics_point DETACH PARTITION {name}")
    assert everything(s) == []

    partitions.drop_compacted(PAST)  # the run after the crash

    assert not exists(name)
    assert everything(s) == [(PAST + US, 7.0)]
    assert partition_of(s, PAST + US) == "metrics_point_default"


def test_a_window_whose_points_are_in_the_default_partition_is_left_to_it():
    s = SeriesFactory()
    put(s, [PAST + US], [1.0])  # no partition yet: the default one takes it
    made = partitions.ensure(now_us=PAST)
    assert partitions.name_for(PAST) not in made  # PostgreSQL would refuse it
    assert partitions.name_for(PAST + WIDTH_US) in made
    assert everything(s) == [(PAST + US, 1.0)]


def test_retention_deletes_only_old_rows_though_each_partition_numbers_its_rows_alike(settings):
    """Each partition's first row has the same ctid: a delete by ctid alone would take the
    new partition's first row along with the old one's."""
    from datetime import timedelta

    settings.HYDRA_RETENTION_RAW = timedelta(days=1)
    partitions.ensure(now_us=PAST)
    partitions.ensure(now_us=NOW)
    s = SeriesFactory()
    put(s, [PAST + US], [1.0])
    put(s, [NOW], [2.0])
    assert partition_of(s, NOW) != partition_of(s, PAST + US)

    retention_enforce(now_us=NOW)

    assert everything(s) == [(NOW, 2.0)]


@pytest.fixture
def own_partitions():
    """A test that commits makes partitions for good: drop the ones it made afterwards, so
    other tests find the table as migrated."""
    before = {t: set(partitions._tables(attached=True, table=t)) for t in partitions.TABLES}
    yield
    for table in partitions.TABLES:
        for name in set(partitions._tables(attached=True, table=table)) - before[table]:
            partitions._detach(name, table)
            partitions._absorb(name, table)


@pytest.mark.django_db(transaction=True)
def test_a_point_written_between_the_check_and_the_detach_is_kept(monkeypatch, own_partitions):
    """The one moment a write can slip in: after the partition was found empty, before it
    is detached. Another connection writes (and commits) a point into it right then."""
    import threading

    from django.db import connections

    partitions.ensure(now_us=PAST)
    s = SeriesFactory()
    name = partitions.name_for(PAST)
    detach = partitions._detach

    def write_then_detach(table: str, spec=partitions.POINTS) -> bool:
        if table == name:
            thread = threading.Thread(
                target=lambda: (put(s, [PAST + 5 * US], [5.0]), connections.close_all())
            )
            thread.start()
            thread.join()
            assert partition_of(s, PAST + 5 * US) == name  # in the partition being dropped
        return detach(table, spec)

    monkeypatch.setattr(partitions, "_detach", write_then_detach)

    assert name in partitions.drop_compacted(NOW)

    assert not exists(name)
    assert everything(s) == [(PAST + 5 * US, 5.0)]
    assert partition_of(s, PAST + 5 * US) == "metrics_point_default"
