"""The Targets page: every target by job with its state; htmx polls get the table only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from prom.models import ScrapeTarget

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets():
    ScrapeTarget.objects.create(
        job="node",
        url="http://web-1:9100/metrics",
        health="up",
        last_scrape=datetime.now(UTC),
        last_duration_s=0.0123,
        last_samples=512,
        labels={"env": "prod"},
    )
    ScrapeTarget.objects.create(
        job="node", url="http://web-2:9100/metrics", health="down", last_error="connection refused"
    )
    ScrapeTarget.objects.create(job="app", url="http://app:8000/metrics", enabled=False)


def test_a_viewer_sees_each_target_with_its_state(client, viewer, targets):
    client.force_login(viewer)
    response = client.get("/targets/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "(1/2 up)" in html and "(0/1 up)" in html
    assert "http://web-1:9100/metrics" in html and "512" in html and "0.012 s" in html
    assert "connection refused" in html and ">disabled<" in html
    assert 'env="prod"' in html
    assert 'hx-trigger="every 5s"' in html
    assert 'href="/targets/"' in html  # in the navigation
    assert "Edit targets" not in html  # admins only


def test_an_htmx_poll_gets_the_table_only(client, viewer, targets):
    client.force_login(viewer)
    response = client.get("/targets/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "http://web-2:9100/metrics" in html


def test_an_admin_gets_a_link_to_edit_targets(client, team_admin):
    client.force_login(team_admin)
    html = client.get("/targets/").content.decode()
    assert "Edit targets" in html and "import_scrape_config" in html


def test_the_page_may_not_be_posted_to(client, team_admin):
    client.force_login(team_admin)
    assert client.post("/targets/").status_code == 405
