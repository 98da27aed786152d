"""``seed_demo``: idempotent, and its alert rules fire on the simulator's scripted incidents
within minutes (threshold with ``for``, absence, anomaly, rate of change, forecast breach)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from alerts.models import AlertEvent, AlertRule, NotificationChannel
from dashboards.demo import FORECASTS, RULES
from dashboards.models import Dashboard
from dashboards.tests.demo_data import play_demo
from forecasting.models import ForecastConfig
from prom.models import ScrapeTarget
from scenarios.models import Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("admin", password="admin-pass-123")


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_seeds_every_page_once_and_leaves_changes_alone(admin):
    first = seed()
    assert "Demo alert rules:" in first and "Demo scenario:" in first
    assert AlertRule.objects.filter(name__startswith="Demo").count() == len(RULES)
    assert {r.condition for r in AlertRule.objects.all()} == {
        "threshold", "absence", "anomaly", "rate", "forecast"
    }  # fmt: skip
    assert NotificationChannel.objects.get().kind == "log"
    assert ForecastConfig.objects.count() == len(FORECASTS)
    dashboard = Dashboard.objects.get()
    assert dashboard.definition["variables"][0]["name"] == "host"
    assert all(p["query"]["host"] == "$host" for p in dashboard.definition["panels"])
    assert Scenario.objects.get().target_url.startswith("http://127.0.0.1:")
    scrape = ScrapeTarget.objects.get()
    assert (scrape.job, scrape.interval) == ("demo-target", "5s")
    assert scrape.url == Scenario.objects.get().target_url.replace("/fast", "/metrics")
    AlertRule.objects.filter(name=RULES[0]["name"]).update(threshold=95)
    assert seed().strip() == "Demo already seeded."
    assert AlertRule.objects.get(name=RULES[0]["name"]).threshold == 95
    assert AlertRule.objects.count() == len(RULES) and Scenario.objects.count() == 1


def test_without_an_admin_it_says_what_to_do():
    with pytest.raises(Exception, match="ensure_admin"):
        seed()


@pytest.mark.slow
def test_the_seeded_rules_fire_on_the_scripted_incidents_within_minutes(admin):
    live = play_demo(owner=admin)
    fired = AlertEvent.objects.filter(to_state="firing").order_by("at")
    first: dict[tuple[str, str], float] = {}  # (rule, host) -> minutes after sending started
    for rule, host, when in fired.values_list("alert__rule__name", "alert__series__host", "at"):
        first.setdefault((rule, host), round((when.timestamp() - live) / 60, 1))
    expected = {
        ("Demo · CPU above 90 %", "host-006"),
        ("Demo · host stopped reporting", "host-003"),
        ("Demo · latency anomaly", "host-001"),
        ("Demo · traffic surge", "host-004"),
        ("Demo · memory above 80 % within 6 h", "host-002"),
    }
    assert expected <= set(first), first
    assert all(first[pair] <= 10 for pair in expected), first
