"""compact_points: old raw points move into chunks, reads are unchanged, reruns are
harmless, late points merge (last write wins), a SIGKILL anywhere loses nothing."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from metrics.chunks.codec import WIDTH_US
from metrics.chunks.compact import compact_points
from metrics.ingest.batch import Batch
from metrics.models import Chunk, Point, Rollup1m, Series
from metrics.rollups import rollups_update
from metrics.selectors import raw_points
from metrics.services import points_ingest
from metrics.tests.factories import SeriesFactory

US = 1_000_000
HOUR = 3600 * US
NOW = 1_800_000_000 * US  # a fixed "now", a multiple of the window plus 2 h
BASE = (NOW // WIDTH_US) * WIDTH_US - 3 * WIDTH_US  # three whole windows before now's


def put(series: Series, ts: list[int] | np.ndarray, values) -> None:
    Point.objects.bulk_create(
        [Point(series=series, ts=int(t), value=float(v)) for t, v in zip(ts, values, strict=True)]
    )


def everything(ids: list[int]) -> dict[int, list[tuple[int, float]]]:
    got = raw_points(series_ids=ids, start_us=-(2**62), end_us=2**62)
    return {sid: list(zip(t.tolist(), v.tolist(), strict=True)) for sid, (t, v) in got.items()}


@pytest.mark.django_db
def test_whole_old_windows_move_into_chunks_and_reads_do_not_change():
    a, b = SeriesFactory(), SeriesFactory()
    ts = BASE + np.arange(0, 4 * WIDTH_US, 10 * US)[: 4 * 2160 - 7]
    put(a, ts, np.round(np.sin(ts / 1e9) * 50, 2))
    put(b, ts[::3], np.arange(len(ts[::3])) * 0.5)
    before = everything([a.pk, b.pk])

    done = compact_points(older_than_us=2 * HOUR, now_us=NOW)

    assert done.units == 6  # 3 whole windows per series; the 4th holds now - 2 h
    assert Chunk.objects.count() == 6
    assert Point.objects.filter(ts__lt=BASE + 3 * WIDTH_US).count() == 0
    assert Point.objects.filter(ts__gte=BASE + 3 * WIDTH_US).exists()
    assert everything([a.pk, b.pk]) == before
    chunk = Chunk.objects.get(series=a, start=BASE)
    first = [p for p in before[a.pk] if p[0] < BASE + WIDTH_US]
    assert (chunk.count, chunk.first_ts, chunk.last_ts) == (2160, first[0][0], first[-1][0])
    assert chunk.sum == pytest.approx(sum(v for _, v in first))
    assert (chunk.min, chunk.max, chunk.last) == (
        min(v for _, v in first),
        max(v for _, v in first),
        first[-1][1],
    )


@pytest.mark.django_db
def test_rerun_changes_nothing_and_late_points_win_then_merge():
    a = SeriesFactory()
    put(a, [BASE + 10, BASE + 20, BASE + 30], [1.0, 2.0, 3.0])
    compact_points(older_than_us=2 * HOUR, now_us=NOW)
    stored = list(Chunk.objects.values_list("start", "count", "ts_data", "value_data"))
    assert compact_points(older_than_us=2 * HOUR, now_us=NOW).units == 0
    assert list(Chunk.objects.values_list("start", "count", "ts_data", "value_data")) == stored

    put(a, [BASE + 20, BASE + 25], [20.0, 25.0])  # a re-send and a late point
    expected = [(BASE + 10, 1.0), (BASE + 20, 20.0), (BASE + 25, 25.0), (BASE + 30, 3.0)]
    assert everything([a.pk])[a.pk] == expected  # visible at once
    assert compact_points(older_than_us=2 * HOUR, now_us=NOW).points == 2
    assert everything([a.pk])[a.pk] == expected
    assert Point.objects.count() == 0 and Chunk.objects.get().count == 4


@pytest.mark.django_db
def test_compaction_drops_the_rollups_of_compacted_windows():
    a = SeriesFactory()
    batch = Batch(
        series=[(a.name, a.host, ())],
        series_index=[0, 0],
        ts=[BASE + 5 * US, NOW - 10 * US],
        values=[1.0, 2.0],
    )
    points_ingest(batch=batch)
    rollups_update()
    assert Rollup1m.objects.count() == 2
    compact_points(older_than_us=2 * HOUR, now_us=NOW)
    assert list(Rollup1m.objects.values_list("bucket", flat=True)) == [
        ((NOW - 10 * US) // (60 * US)) * 60 * US
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("older_than", ["soon", "-1h", "1h;drop", ""])
def test_command_refuses_a_bad_duration(older_than):
    put(SeriesFactory(), [BASE], [1.0])
    with pytest.raises(CommandError, match="--older-than"):
        call_command("compact_points", "--older-than", older_than or " ")
    assert Point.objects.count() == 1 and Chunk.objects.count() == 0


@pytest.mark.django_db
def test_command_compacts_with_the_hot_window(settings, capsys):
    settings.HYDRA_HOT_WINDOW = __import__("datetime").timedelta(hours=2)
    now = int(time.time() * US)
    old = ((now - 2 * HOUR) // WIDTH_US) * WIDTH_US - WIDTH_US  # a whole window before the cutoff
    put(SeriesFactory(), [old, now - 60 * US], [1.0, 2.0])
    call_command("compact_points")
    assert "compacted 1 points into 1 chunk windows" in capsys.readouterr().out
    assert list(Point.objects.values_list("ts", flat=True)) == [now - 60 * US]


def _subprocess_env() -> dict[str, str]:
    env = dict(os.environ, SECRET_KEY=secrets.token_urlsafe(50))
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
    else:
        env["DATABASE_URL"] = f"sqlite:///{Path(db['NAME']).resolve()}"
    return env


def _ingest_overwrites_in_thread(*args) -> dict[tuple[int, int], float]:
    try:
        return _ingest_overwrites(*args)
    finally:
        connection.close()  # the thread's own connection


def _ingest_overwrites(
    series: list[Series], round_: int, base: int
) -> dict[tuple[int, int], float]:
    """Re-send some old points with new values while compaction runs (last write wins)."""
    ts = [base + (round_ * 7919 % (3 * WIDTH_US // (10 * US))) * 10 * US]
    batch = Batch(
        series=[(s.name, s.host, ()) for s in series],
        series_index=list(range(len(series))),
        ts=ts * len(series),
        values=[1000.0 + round_] * len(series),
    )
    points_ingest(batch=batch)
    return {(s.pk, ts[0]): 1000.0 + round_ for s in series}


@pytest.mark.django_db(transaction=True)
def test_sigkill_anywhere_then_rerun_loses_and_duplicates_nothing():
    series = [SeriesFactory() for _ in range(150)]
    base = (int(time.time() * US) // WIDTH_US) * WIDTH_US - 4 * WIDTH_US
    ts = base + np.arange(0, 3 * WIDTH_US, 10 * US)[::40]  # 3 windows, 54 points each
    for i, s in enumerate(series):
        put(s, ts, np.round((ts % 977) / 7 + i, 2))
    expected = {
        (sid, t): v for sid, pts in everything([s.pk for s in series]).items() for t, v in pts
    }
    command = [sys.executable, "manage.py", "compact_points", "--older-than", "1s", "--skip-checks"]
    rng, kills, units = np.random.default_rng(17), 0, 3 * len(series)
    for round_ in range(4):
        target = Chunk.objects.count() + int(rng.integers(1, units // 5))
        proc = subprocess.Popen(command, env=_subprocess_env(), stdout=subprocess.PIPE)
        # overwrites arrive while compaction runs; the kill does not wait for them
        with ThreadPoolExecutor(1) as pool:
            sent = pool.submit(_ingest_overwrites_in_thread, series[: 1 + round_ % 5], round_, base)
            while proc.poll() is None and Chunk.objects.count() < target:
                time.sleep(0.002)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            expected.update(sent.result())
        out, _ = proc.communicate()
        if proc.returncode == 0:
            break
        assert proc.returncode == -signal.SIGKILL, out
    assert kills >= 2, "compaction finished before it could be killed twice: more data needed"
    subprocess.run(command, env=_subprocess_env(), check=True, capture_output=True)
    got = everything([s.pk for s in series])
    flat = {(sid, t): v for sid, pts in got.items() for t, v in pts}
    assert sum(len(p) for p in got.values()) == len(flat) == len(expected)
    assert flat == expected
    assert not Point.objects.filter(ts__lt=base + 3 * WIDTH_US).exists()
