"""'Not an anomaly' on the alerts page, in a real browser: in place, the series' lowered
sensitivity shown on all its rows, and undone."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from alerts.models import Anomaly, DetectorState
from alerts.sensitivity import FEEDBACK_STEP
from alerts.tests.conftest import ingest
from core.services import user_role_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_not_an_anomaly_lowers_the_sensitivity_in_place_and_undo_restores_it(
    page, asgi_server, django_user_model, screenshot, console_errors
):
    erin = django_user_model.objects.create_user("erin", password="erin-pass-123")
    user_role_set(user=erin, role="editor")
    now = time.time()
    series = ingest("disk.io", "db-1", [(now - 60, 10.0)])
    DetectorState.objects.create(series=series, detector="hydra", state={}, sensitivity=0.5)
    first, second = (
        Anomaly.objects.create(
            series=series,
            ts=int((now - ago) * 1e6),
            detector="hydra",
            value=99.0,
            score=0.9,
            expected=10.0,
            lower=5.0,
            upper=15.0,
        )  # fmt: skip
        for ago in (60, 120)
    )
    page.goto(f"{asgi_server}/login/?next=/alerts/")
    page.fill("#id_username", "erin")
    page.fill("#id_password", "erin-pass-123")
    page.click("button[type=submit]")
    page.evaluate("window.__not_reloaded = true")
    row, other = page.locator(f"#anomaly-{first.pk}"), page.locator(f"#anomaly-{second.pk}")
    lowered = f"{0.5 - FEEDBACK_STEP:.2f}"

    row.get_by_role("button", name="Not an anomaly").click()
    expect(row.locator(".anomaly-status")).to_have_text("not an anomaly (erin)")
    expect(other.locator(".anomaly-sensitivity")).to_contain_text(f"{lowered} (lowered from 0.50")
    assert DetectorState.objects.get().sensitivity == pytest.approx(0.5 - FEEDBACK_STEP)
    screenshot("dismissed")

    row.get_by_role("button", name="Undo").click()
    expect(row.locator(".anomaly-status")).to_have_text("anomaly")
    expect(other.locator(".anomaly-sensitivity")).to_have_text("0.50")
    assert DetectorState.objects.get().sensitivity == pytest.approx(0.5)
    assert page.evaluate("window.__not_reloaded") is True
    assert console_errors == []
