"""Hydra scrapes a real node_exporter: the same series as a real Prometheus scraping it (up
to per-scrape timing), ``up`` is 1; killing node_exporter turns ``up`` to 0 and stale-marks
its series."""

from __future__ import annotations

import time

import pytest

from metrics.models import Point, Series, StaleMark
from prom.models import ScrapeTarget
from prom.scraper.runner import make_scraper
from prom.tests.metrics_server import scrape_once
from prom.tests.programs import node_exporter, prometheus, query, require_programs, stop

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
SCRAPE_S = 1


def prometheus_series(base: str) -> set[frozenset]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = query(base, '{job="node"}', time.time())
        if len(found) > 100:
            time.sleep(SCRAPE_S * 2)  # one more scrape: every series of a scrape is in
            found = query(base, '{job="node"}', time.time())
            return {frozenset(s["metric"].items()) for s in found}
        time.sleep(0.3)
    raise TimeoutError("Prometheus scraped nothing")


def hydra_series() -> set[frozenset]:
    return {
        frozenset(s.prometheus_labels.items())
        for s in Series.objects.filter(labels__job="node")
        if not StaleMark.objects.filter(series=s).exists()
    }


def by_name(series: set[frozenset]) -> dict[str, int]:
    out: dict[str, int] = {}
    for labels in series:
        name = dict(labels)["__name__"]
        out[name] = out.get(name, 0) + 1
    return out


def test_hydra_scrapes_node_exporter_like_prometheus(tmp_path):
    require_programs()
    with node_exporter() as (exporter, address):
        config = {
            "global": {"scrape_interval": f"{SCRAPE_S}s", "scrape_timeout": "900ms"},
            "scrape_configs": [{"job_name": "node", "static_configs": [{"targets": [address]}]}],
        }
        ScrapeTarget.objects.create(job="node", url=f"http://{address}/metrics")
        scraper = make_scraper()
        with prometheus(config, tmp_path / "prometheus") as base:
            expected = prometheus_series(base)
            scrape_once(scraper)
        got = hydra_series()
        # per-scrape timing: a few series (e.g. per-collector durations) may come and go
        assert by_name(got).keys() == by_name(expected).keys()
        differing = got ^ expected  # 512 series, 0 differing when measured
        assert len(differing) <= max(5, len(expected) // 100), sorted(map(sorted, differing))[:10]
        up = Point.objects.get(series__name="up", series__labels__job="node")
        assert up.value == 1
        scraped = len([s for s in got if dict(s)["__name__"] not in SYNTHETIC_NAMES])
        stop(exporter)
        time.sleep(0.01)
        scrape_once(scraper)
    assert Point.objects.filter(series__name="up").order_by("ts").last().value == 0
    stale = StaleMark.objects.filter(series__labels__job="node").exclude(
        series__name__in=SYNTHETIC_NAMES
    )
    assert stale.count() == scraped
    target = ScrapeTarget.objects.get()
    assert target.health == "down" and target.last_error


SYNTHETIC_NAMES = (
    "up",
    "scrape_duration_seconds",
    "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling",
    "scrape_series_added",
)
