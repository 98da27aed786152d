"""A real Prometheus scrapes a real node_exporter and remote-writes to a live Hydra (daphne):
every sample in Prometheus's own TSDB is in Hydra with identical labels, timestamps and
values, also across a forced restart (SIGKILL) of Hydra mid-stream; metadata types the
series; when node_exporter dies, Prometheus's staleness markers arrive as stale marks."""

from __future__ import annotations

import math
import time

import pytest
from django.db import connection

from conftest import start_daphne_process
from core.tests.helpers import free_port
from metrics.models import Point, Series, StaleMark
from prom.tests.programs import node_exporter, own_metric, prometheus, query, require_programs

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
SCRAPE_S = 2
RUN_S = 12  # before and after the restart: six scrapes each


def config(target: str, hydra: str, token: str) -> dict:
    return {
        "global": {"scrape_interval": f"{SCRAPE_S}s", "scrape_timeout": "1s"},
        "scrape_configs": [{"job_name": "node", "static_configs": [{"targets": [target]}]}],
        "remote_write": [
            {
                "url": f"{hydra}/api/v1/write",
                "authorization": {"credentials": token},
                "queue_config": {
                    "batch_send_deadline": "1s",
                    "min_backoff": "100ms",
                    "max_backoff": "1s",
                },
                "metadata_config": {"send_interval": "3s"},
            }
        ],
    }


def prometheus_samples(base: str, at: float) -> dict[frozenset, dict[int, float]]:
    """Every raw sample of job="node" up to ``at``: {label set: {ts_ms: value}}."""
    return {
        frozenset(s["metric"].items()): {round(t * 1000): float(v) for t, v in s["values"]}
        for s in query(base, '{job="node"}[10m]', at)
    }


def hydra_samples(until_ms: int) -> dict[frozenset, dict[int, float]]:
    out = {}
    for series in Series.objects.filter(labels__job="node"):
        points = Point.objects.filter(series=series, ts__lte=until_ms * 1000)
        out[frozenset(series.prometheus_labels.items())] = {
            ts // 1000: value for ts, value in points.values_list("ts", "value")
        }
    return {labels: samples for labels, samples in out.items() if samples}


def wait_all_sent(base: str, cut_s: float, timeout: float = 30) -> None:
    """Until Prometheus has sent past ``cut_s`` with nothing pending."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sent = own_metric(base, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds")
        if sent >= cut_s and own_metric(base, "prometheus_remote_storage_samples_pending") == 0:
            return
        time.sleep(0.5)
    raise TimeoutError("Prometheus did not send everything")


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def assert_identical(expected: dict, got: dict) -> None:
    if connection.vendor == "sqlite":  # SQLite can't store NaN: those points are skipped
        expected = {
            k: {t: v for t, v in s.items() if not math.isnan(v)} for k, s in expected.items()
        }
    assert set(got) == set(expected), set(got) ^ set(expected)
    for labels, samples in expected.items():
        assert set(got[labels]) == set(samples), dict(labels)
        assert all(same(got[labels][t], v) for t, v in samples.items()), dict(labels)


def test_prometheus_remote_writes_every_sample_across_a_hydra_restart(tmp_path, token):
    require_programs()
    port = free_port()
    hydra, url = start_daphne_process(port=port)
    started = time.monotonic()
    try:
        with (
            node_exporter() as (exporter, target),
            prometheus(config(target, url, token), tmp_path / "prometheus") as base,
        ):
            time.sleep(RUN_S)
            hydra = _crash_and_restart(hydra, port)
            time.sleep(RUN_S)
            expected = _compare(base)
            exporter.terminate()  # the target goes away: its series go stale
            load = _wait_for_stale_marks()
    finally:
        hydra.terminate()
        hydra.join(10)
    series = Series.objects.get(name="node_cpu_seconds_total", labels__cpu="0", labels__mode="idle")
    assert (series.type, series.host, series.host_from_instance) == ("counter", "127.0.0.1", True)
    assert "host" not in series.prometheus_labels and load.labels["instance"] == target
    assert len(expected) > 100 and sum(map(len, expected.values())) > 100 * 10
    print(f"{len(expected)} series compared; run took {time.monotonic() - started:.0f} s")


def _crash_and_restart(hydra, port: int):
    hydra.kill()  # SIGKILL mid-stream: nothing answers for three seconds
    hydra.join(10)
    time.sleep(3)
    return start_daphne_process(port=port)[0]


def _compare(base: str) -> dict:
    """Prometheus's samples up to a second ago, once it has sent them, are Hydra's."""
    cut = time.time() - 1
    wait_all_sent(base, cut)
    expected = prometheus_samples(base, cut)
    assert_identical(expected, hydra_samples(int(cut * 1000)))
    assert own_metric(base, "prometheus_remote_storage_samples_retried_total") > 0
    assert own_metric(base, "prometheus_remote_storage_samples_failed_total") == 0
    assert own_metric(base, "prometheus_remote_storage_samples_dropped_total") == 0
    return expected


def _wait_for_stale_marks(timeout: float = 20) -> Series:
    """node_load1 gets a stale mark and ``up`` turns 0."""
    deadline = time.monotonic() + timeout
    load, up = Series.objects.get(name="node_load1"), Series.objects.get(name="up")
    while time.monotonic() < deadline:
        latest_up = Point.objects.filter(series=up).order_by("-ts").first()
        mark = StaleMark.objects.filter(series=load).first()
        if mark is not None and latest_up.value == 0.0:
            last = Point.objects.filter(series=load).order_by("-ts").first()
            assert last.ts < mark.ts  # the marker is not a point
            return load
        time.sleep(0.5)
    raise AssertionError("no stale mark for node_load1, or up not 0, after node_exporter stopped")
