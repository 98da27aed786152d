"""The scrape loop: staggered slots, stable shards, two scrapers splitting the targets, and
a running scraper that picks up edits and removals."""

from __future__ import annotations

import threading
import time

import pytest

from metrics.models import Point, StaleMark
from prom.models import ScrapeTarget
from prom.scraper.assemble import TargetInfo
from prom.scraper.loop import in_shard, next_slot_ms, stable_hash
from prom.scraper.runner import make_scraper, run
from prom.tests.metrics_server import metrics_server, scrape_once


def info(i: int, interval_ms: int = 15_000) -> TargetInfo:
    return TargetInfo(i, "node", f"http://host-{i}:9100/metrics", interval_ms, 10_000, ())


def test_slots_keep_a_stable_phase_spread_over_the_interval():
    targets = [info(i) for i in range(300)]
    now = 1_700_000_000_123.0
    slots = [next_slot_ms(t, now) for t in targets]
    assert all(now <= s < now + 15_000 for s in slots)
    assert [next_slot_ms(t, now + 15_000) for t in targets] == [s + 15_000 for s in slots]
    phases = sorted(s % 15_000 for s in slots)
    assert max(b - a for a, b in zip(phases, phases[1:], strict=False)) < 1_000  # spread out
    assert stable_hash("node", "http://a/") == stable_hash("node", "http://a/")


def test_shards_split_targets_disjointly_and_completely():
    targets = [info(i) for i in range(400)]
    shards = [{t.id for t in targets if in_shard(t, (i, 3))} for i in range(3)]
    assert set().union(*shards) == {t.id for t in targets}
    assert sum(len(s) for s in shards) == 400
    assert all(100 < len(s) < 170 for s in shards)


@pytest.mark.django_db(transaction=True)
def test_two_scrapers_split_the_targets_between_them():
    with metrics_server() as (expo, base):
        expo.body = b"hits_total 1\n"
        for i in range(12):
            ScrapeTarget.objects.create(job=f"job-{i}", url=f"{base}/metrics")
        first = scrape_once(make_scraper((0, 2)))
        second = scrape_once(make_scraper((1, 2)))
    ids = [{r.target_id for r in first}, {r.target_id for r in second}]
    assert ids[0] and ids[1] and not ids[0] & ids[1]
    assert ids[0] | ids[1] == set(ScrapeTarget.objects.values_list("pk", flat=True))
    assert set(ScrapeTarget.objects.values_list("health", flat=True)) == {"up"}
    assert Point.objects.filter(series__name="hits_total").count() == 12


@pytest.mark.django_db(transaction=True)
def test_a_running_scraper_scrapes_on_its_interval_and_stale_marks_a_removed_target():
    with metrics_server() as (expo, base):
        expo.body = b"hits_total 1\n"
        kept = ScrapeTarget.objects.create(job="kept", url=f"{base}/metrics", interval_ms=1000)
        removed = ScrapeTarget.objects.create(job="gone", url=f"{base}/m", interval_ms=1000)
        stop = threading.Event()
        thread = threading.Thread(target=run, args=(stop,), kwargs={"reload_s": 0.3})
        thread.start()
        try:
            _wait(lambda: Point.objects.filter(series__name="up").count() >= 6)
            removed.delete()
            _wait(lambda: StaleMark.objects.filter(series__labels__job="gone").exists())
        finally:
            stop.set()
            thread.join(timeout=10)
    assert not thread.is_alive()
    gone = set(StaleMark.objects.filter(series__labels__job="gone").values_list("series__name"))
    assert {("hits_total",), ("up",), ("scrape_duration_seconds",)} <= gone
    assert not StaleMark.objects.filter(series__labels__job="kept").exists()
    kept.refresh_from_db()
    assert kept.health == "up"


def _wait(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_long_queue_is_written_in_bounded_chunks():
    from prom.scraper.loop import chunks
    from prom.scraper.state import Result

    results = [Result(i, 0, values=[1.0] * 300) for i in range(10)]
    cut = chunks(results, 1000)
    assert [len(c) for c in cut] == [4, 4, 2]
    assert [r.target_id for c in cut for r in c] == list(range(10))
