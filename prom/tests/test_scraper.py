"""The scraper against a real HTTP server: samples with job/instance, the synthetic series,
metadata, stale marks, failures, limits, OpenMetrics and honor_labels."""

from __future__ import annotations

import time

import pytest

from metrics.models import Point, Series, StaleMark
from prom.models import ScrapeTarget
from prom.scraper.runner import make_scraper
from prom.tests.metrics_server import metrics_server, scrape_once

pytestmark = pytest.mark.django_db(transaction=True)  # the scraper writes from its own thread

TEXT = b"""# HELP http_requests_total Requests served.
# TYPE http_requests_total counter
http_requests_total{code="200"} 10
http_requests_total{code="500"} 2
# TYPE temperature_celsius gauge
temperature_celsius 21.5
"""


@pytest.fixture
def server():
    with metrics_server() as (expo, base):
        expo.body = TEXT
        yield expo, base


def target(base: str, **fields) -> ScrapeTarget:
    fields.setdefault("job", "app")
    return ScrapeTarget.objects.create(url=f"{base}/metrics", interval_ms=15_000, **fields)


def scrape(scraper=None, **options):
    scraper = scraper or make_scraper(**options)
    return scraper, scrape_once(scraper)


def latest(name: str, **labels) -> float:
    (series,) = [s for s in Series.objects.filter(name=name) if s.labels == labels]
    return Point.objects.filter(series=series).latest("ts").value


def test_a_scrape_stores_samples_with_job_and_instance_and_the_synthetic_series(server):
    expo, base = server
    instance = base.removeprefix("http://")
    t = target(base, labels={"env": "prod"})
    scrape()
    common = {"job": "app", "instance": instance, "env": "prod"}
    assert latest("http_requests_total", code="200", **common) == 10
    assert latest("temperature_celsius", **common) == 21.5
    assert latest("up", **common) == 1
    assert latest("scrape_samples_scraped", **common) == 3
    assert latest("scrape_samples_post_metric_relabeling", **common) == 3
    assert latest("scrape_series_added", **common) == 3
    assert 0 < latest("scrape_duration_seconds", **common) < 5
    requests = Series.objects.get(name="http_requests_total", labels__code="200")
    assert (requests.type, requests.help) == ("counter", "Requests served.")
    assert requests.host == "127.0.0.1" and requests.host_from_instance  # the Hosts pages
    assert "openmetrics" in expo.requests[0]["Accept"]
    t.refresh_from_db()
    assert (t.health, t.last_samples, t.last_error) == ("up", 3, "")
    assert t.last_scrape is not None and t.last_duration_s > 0


def test_a_series_that_vanishes_is_stale_marked_and_new_ones_counted(server):
    expo, base = server
    target(base)
    scraper, _ = scrape()
    expo.body = TEXT.replace(b'http_requests_total{code="500"} 2\n', b"new_metric 1\n")
    time.sleep(0.01)
    scrape(scraper)
    gone = Series.objects.get(name="http_requests_total", labels__code="500")
    kept = Series.objects.get(name="http_requests_total", labels__code="200")
    assert StaleMark.objects.filter(series=gone).count() == 1
    assert not StaleMark.objects.filter(series=kept).exists()
    assert Point.objects.filter(series__name="scrape_series_added").order_by("ts").last().value == 1


def test_metric_relabel_configs_drop_and_rewrite_samples_like_prometheus(server):
    """Rules run on each sample's labels after the target's: a dropped sample is not
    written, ``scrape_samples_post_metric_relabeling`` counts what is left, a rewritten
    label is stored, and the synthetic series are left alone."""
    expo, base = server
    rules = [
        {"action": "drop", "source_labels": ["__name__", "code"], "regex": "http_.*;500"},
        {"source_labels": ["__name__"], "regex": "temperature_(.*)", "target_label": "unit",
         "replacement": "$1"},
        {"action": "labeldrop", "regex": "env"},
    ]  # fmt: skip
    t = target(base, labels={"env": "prod"}, metric_relabel_configs=rules)
    scrape()
    common = {"job": "app", "instance": base.removeprefix("http://")}
    assert not Series.objects.filter(name="http_requests_total", labels__code="500").exists()
    assert latest("http_requests_total", code="200", **common) == 10
    assert latest("temperature_celsius", unit="celsius", **common) == 21.5
    assert latest("scrape_samples_scraped", env="prod", **common) == 3
    assert latest("scrape_samples_post_metric_relabeling", env="prod", **common) == 2
    t.refresh_from_db()
    assert (t.health, t.last_samples) == ("up", 3)


def test_a_failed_scrape_sets_up_to_0_and_stale_marks_the_series(server):
    expo, base = server
    t = target(base)
    scraper, _ = scrape()
    expo.status = 500
    time.sleep(0.01)
    scrape(scraper)
    assert Point.objects.filter(series__name="up").order_by("ts").last().value == 0
    stale = set(StaleMark.objects.values_list("series__name", flat=True))
    assert stale == {"http_requests_total", "temperature_celsius"}
    t.refresh_from_db()
    assert t.health == "down" and "HTTP status 500" in t.last_error


def test_an_unreachable_target_is_down_with_the_reason():
    t = ScrapeTarget.objects.create(job="gone", url="http://127.0.0.1:9/metrics")
    scrape()
    t.refresh_from_db()
    assert t.health == "down" and t.last_error
    assert Point.objects.get(series__name="up").value == 0


def test_a_slow_target_times_out(server):
    expo, base = server
    expo.delay_s = 2
    t = target(base, timeout_ms=300)
    started = time.monotonic()
    scrape()
    assert time.monotonic() - started < 1.8
    t.refresh_from_db()
    assert t.health == "down" and "deadline exceeded" in t.last_error


def test_a_100_mb_body_is_cut_off_at_the_limit(server):
    expo, base = server
    expo.stream_bytes = 100 * 1024 * 1024
    t = target(base, timeout_ms=10_000)
    started = time.monotonic()
    scrape(max_bytes=1024 * 1024)
    assert time.monotonic() - started < 5
    t.refresh_from_db()
    assert t.health == "down" and "exceeds the limit of 1048576 bytes" in t.last_error


def test_a_declared_oversize_body_is_refused_before_reading(server):
    expo, base = server
    expo.body = b"x 1\n" * 1000
    t = target(base)
    scrape(max_bytes=100)
    t.refresh_from_db()
    assert "body is 4000 bytes; the limit is 100" in t.last_error


def test_an_unparsable_body_fails_the_scrape(server):
    expo, base = server
    expo.body = b"this is not { metrics\n"
    t = target(base)
    scrape()
    t.refresh_from_db()
    assert t.health == "down" and "cannot parse" in t.last_error
    assert not Series.objects.filter(name="this").exists()


def test_openmetrics_is_parsed_by_content_type_with_units_and_timestamps(server):
    expo, base = server
    stamp = int(time.time()) - 60
    expo.content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8"
    expo.body = (
        "# TYPE job_seconds gauge\n# UNIT job_seconds seconds\n# HELP job_seconds Took.\n"
        f"job_seconds 3.5 {stamp}.25\n# EOF\n"
    ).encode()
    target(base)
    scrape()
    series = Series.objects.get(name="job_seconds")
    assert (series.type, series.unit, series.help) == ("gauge", "seconds", "Took.")
    assert Point.objects.get(series=series).ts == stamp * 1_000_000 + 250_000


def test_scraped_labels_clash_with_target_labels_like_prometheus(server):
    expo, base = server
    expo.body = b'pushed{job="batch",instance="x"} 1\n'
    target(base, job="federate")
    target(base.replace("127.0.0.1", "localhost"), job="honored", honor_labels=True)
    scrape()
    plain = Series.objects.get(name="pushed", labels__job="federate")
    assert plain.labels["exported_job"] == "batch" and plain.labels["exported_instance"] == "x"
    honored = Series.objects.get(name="pushed", labels__job="batch")
    assert honored.labels == {"job": "batch", "instance": "x"}


def test_a_bearer_token_comes_from_the_named_environment_variable(server, monkeypatch):
    expo, base = server
    monkeypatch.setenv("SCRAPE_APP_TOKEN", "s3cret")
    target(base, bearer_env="SCRAPE_APP_TOKEN")
    scrape()
    assert expo.requests[0]["Authorization"] == "Bearer s3cret"


def test_a_missing_secret_variable_fails_the_scrape_with_its_name(server, monkeypatch):
    _, base = server
    monkeypatch.delenv("SCRAPE_MISSING", raising=False)
    t = target(base, username="u", password_env="SCRAPE_MISSING")
    scrape()
    t.refresh_from_db()
    assert t.health == "down" and "SCRAPE_MISSING is not set" in t.last_error
