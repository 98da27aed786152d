"""The demo ``make run`` seeds (``manage.py seed_demo``, with ``HYDRA_DEMO=1``): something
on every page within minutes of the first start.

What it makes, each only when missing (by name), so it is safe to run at every start and
never overwrites what a user changed:
- alert rules that the simulator's scripted incidents (``metrics.simulator.DEMO_SCRIPT``)
  fire within minutes — threshold with ``for``, rate of change, absence, anomaly, forecast
  breach — all notifying a channel that writes to the log;
- anomaly detection on the latency of a few hosts (the anomaly rule watches them);
- forecast settings for a few series (first run a few minutes after the start, when the
  simulator's back-fill is in);
- a saved dashboard with a ``$host`` variable;
- a load-test scenario against the demo target, ready to run (the target sends its own
  server metrics, ``demo_target --push``);
- a scrape target for the demo target's ``/metrics`` (its request counter and latency
  histogram), so the scraper (a thread of the web process in embedded mode) pulls them.

This module composes every app, so it lives in the app at the top of the graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from alerts.models import AlertRule, NotificationChannel
from alerts.services.rules import rule_save
from dashboards.models import Dashboard
from dashboards.services import dashboard_create
from forecasting.models import ForecastConfig
from prom.models import ScrapeTarget
from scenarios.models import Scenario
from scenarios.services import scenario_create

CHANNEL = "Demo log"
RULES: tuple[dict, ...] = (
    {"name": "Demo · CPU above 90 %", "metric": "cpu.usage", "host_pattern": "host-*",
     "condition": "threshold", "agg": "avg", "window_seconds": 60, "op": ">", "threshold": 90,
     "resolve_threshold": 80, "for_seconds": 120, "severity": "critical",
     "summary_template": "CPU at {{ value|floatformat:0 }} % on {{ host }}"},
    {"name": "Demo · host stopped reporting", "metric": "cpu.usage", "host_pattern": "host-*",
     "condition": "absence", "absence_minutes": 3, "severity": "warning",
     "summary_template": "{{ host }} has sent nothing for {{ value|floatformat:0 }} s"},
    {"name": "Demo · latency anomaly", "metric": "http.latency.p95",
     "host_pattern": "host-00[0-4]", "condition": "anomaly", "window_seconds": 300,
     "sensitivity": 0.5, "severity": "warning",
     "summary_template": "Unusual p95 latency on {{ host }}"},
    {"name": "Demo · traffic surge", "metric": "http.requests", "host_pattern": "host-*",
     "condition": "rate", "window_seconds": 600, "op": ">", "threshold": 0.5,
     "severity": "info",
     "summary_template": "Requests on {{ host }} climbing {{ value|floatformat:2 }} req/s per s"},
    {"name": "Demo · memory above 80 % within 6 h", "metric": "memory.used",
     "host_pattern": "host-00[0-2]", "condition": "forecast", "op": ">", "threshold": 80,
     "horizon_seconds": 6 * 3600, "severity": "warning",
     "summary_template": "Memory of {{ host }} may pass 80 % within 6 h (forecast's upper bound)"},
)  # fmt: skip
FORECASTS: tuple[dict, ...] = (
    {"name": "Demo · memory", "metric": "memory.used", "host_pattern": "host-00[0-2]",
     "horizon_seconds": 6 * 3600},
    {"name": "Demo · requests", "metric": "http.requests", "host_pattern": "host-000",
     "horizon_seconds": 6 * 3600},
    {"name": "Demo · disk", "metric": "disk.used", "host_pattern": "host-000",
     "horizon_seconds": 12 * 3600},
)  # fmt: skip
#: The simulator back-fills a day first: forecasts start once it is in.
FIRST_FORECAST_AFTER = timedelta(minutes=3)
DASHBOARD = "Demo · one host"
HOST_PANELS = (
    ("CPU", "cpu.usage", "line"), ("Memory", "memory.used", "area"),
    ("Requests", "http.requests", "line"), ("p95 latency", "http.latency.p95", "line"),
    ("Errors", "http.errors", "bar"), ("CPU now", "cpu.usage", "stat"),
)  # fmt: skip
SCENARIO = "Demo · home page, 200 req/s"
SCRAPE_JOB = "demo-target"


@dataclass
class Seeded:
    """What ``demo_seed`` created (names), per kind; empty when everything existed."""

    created: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, name: str) -> None:
        self.created.setdefault(kind, []).append(name)


def demo_seed(*, owner: User) -> Seeded:
    """Create whatever of the demo is missing."""
    seeded = Seeded()
    with transaction.atomic():
        channel = _channel(seeded)
        for spec in RULES:
            _rule(spec, channel, seeded)
        for spec in FORECASTS:
            _forecast(spec, seeded)
        _dashboard(owner, seeded)
        _scenario(owner, seeded)
        _scrape_target(seeded)
    return seeded


def _channel(seeded: Seeded) -> NotificationChannel:
    channel, created = NotificationChannel.objects.get_or_create(
        name=CHANNEL,
        defaults={"kind": NotificationChannel.Kind.LOG, "target": "", "group_wait_seconds": 10},
    )
    if created:
        seeded.add("notification channel", channel.name)
    return channel


def _rule(spec: dict, channel: NotificationChannel, seeded: Seeded) -> None:
    if AlertRule.objects.filter(name=spec["name"]).exists():
        return
    rule = AlertRule(**spec)
    rule.full_clean()
    rule_save(rule=rule, channels=[channel])
    seeded.add("alert rule", rule.name)


def _forecast(spec: dict, seeded: Seeded) -> None:
    if ForecastConfig.objects.filter(name=spec["name"]).exists():
        return
    config = ForecastConfig(
        **spec,
        history_seconds=2 * 86400,
        interval_seconds=3600,
        next_run_at=timezone.now() + FIRST_FORECAST_AFTER,
    )
    config.full_clean()
    config.save()
    seeded.add("forecast setting", config.name)


def _dashboard(owner: User, seeded: Seeded) -> None:
    if Dashboard.objects.filter(title=DASHBOARD).exists():
        return
    panels = [
        {"title": f"{title} of $host", "chart": chart, "width": 1 if chart == "stat" else 2,
         "query": {"name": name, "host": "$host", "agg": "avg"}}
        for title, name, chart in HOST_PANELS
    ]  # fmt: skip
    definition = {
        "range": "6h",
        "variables": [{"name": "host", "default": "host-006"}],
        "panels": panels,
    }
    dashboard_create(owner=owner, title=DASHBOARD, definition=definition)
    seeded.add("dashboard", DASHBOARD)


def _scenario(owner: User, seeded: Seeded) -> None:
    if Scenario.objects.filter(name=SCENARIO).exists():
        return
    spec = {
        "requests": [{"url": urljoin(settings.HYDRA_SCENARIO_DEFAULT_TARGET, "/fast")}],
        "executor": "constant-arrival-rate",
        "rate": 200,
        "duration": "30s",
        "thresholds": ["p95 < 300ms", "error_rate < 1%"],
    }
    scenario_create(
        name=SCENARIO,
        spec=spec,
        user=owner,
        description="The demo target's fast page at 200 req/s for 30 s: press Run.",
    )
    seeded.add("scenario", SCENARIO)


def _scrape_target(seeded: Seeded) -> None:
    if ScrapeTarget.objects.filter(job=SCRAPE_JOB).exists():
        return
    target = ScrapeTarget(
        job=SCRAPE_JOB,
        url=urljoin(settings.HYDRA_SCENARIO_DEFAULT_TARGET, "/metrics"),
        interval_ms=5000,
        timeout_ms=4000,
        source="seed_demo",
    )
    target.full_clean()
    target.save()
    seeded.add("scrape target", f"{SCRAPE_JOB} {target.url}")
