"""Saved dashboards: build, persist, variables, export/import, who may see and edit."""

from __future__ import annotations

import io
import json

import pytest

from dashboards.models import Dashboard
from dashboards.services import dashboard_create

pytestmark = pytest.mark.django_db
PANEL = {
    "title": "CPU",
    "chart": "line",
    "name": "cpu.usage",
    "host": "$host",
    "agg": "avg",
    "step": "",
    "width": 2,
    "height": 1,
}


@pytest.fixture
def mine(client, owner):
    client.force_login(owner)
    response = client.post(
        "/dashboards/", {"title": "Web", "shared": "on", "range": "6h", "variables": "host=web-1"}
    )
    assert response.status_code == 302
    return Dashboard.objects.get()


def test_panels_are_added_arranged_and_removed(client, mine):
    url = f"/dashboards/{mine.pk}"
    client.post(f"{url}/add-panel/", PANEL)
    client.post(
        f"{url}/add-panel/", {**PANEL, "title": "Mem", "name": "memory.used", "chart": "area"}
    )
    client.post(f"{url}/move/", {"index": 1, "dir": "up"})
    mine.refresh_from_db()
    assert [p["title"] for p in mine.definition["panels"]] == ["Mem", "CPU"]
    client.post(f"{url}/remove/", {"index": 0})
    mine.refresh_from_db()
    assert [p["title"] for p in mine.definition["panels"]] == ["CPU"]
    assert mine.definition["variables"] == [{"name": "host", "default": "web-1"}]


def test_variables_are_substituted_in_the_panels(client, mine):
    client.post(f"/dashboards/{mine.pk}/add-panel/", {**PANEL, "title": "CPU of $host"})
    page = client.get(f"/dashboards/{mine.pk}/", {"var-host": "db-7"}).content.decode()
    assert "&quot;host&quot;: &quot;db-7&quot;" in page
    assert "<h2>CPU of db-7</h2>" in page  # titles too, as in Grafana


def test_a_bad_panel_is_refused_with_the_reason(client, mine):
    response = client.post(
        f"/dashboards/{mine.pk}/add-panel/", {**PANEL, "chart": "pie"}, follow=True
    )
    assert "Panel not added" in response.content.decode()
    mine.refresh_from_db()
    assert mine.definition["panels"] == []


def test_export_then_import_gives_the_same_dashboard(client, mine):
    client.post(f"/dashboards/{mine.pk}/add-panel/", PANEL)
    exported = client.get(f"/dashboards/{mine.pk}/export/").json()
    upload = io.BytesIO(json.dumps(exported).encode())
    upload.name = "web.json"
    response = client.post("/dashboards/import/", {"file": upload})
    assert response.status_code == 302
    copy = Dashboard.objects.exclude(pk=mine.pk).get()
    assert copy.title == "Web" and copy.definition == Dashboard.objects.get(pk=mine.pk).definition


def test_an_invalid_import_says_why_and_creates_nothing(client, mine):
    upload = io.BytesIO(b'{"panels": [{"chart": "line", "query": {}}]}')
    upload.name = "bad.json"
    response = client.post("/dashboards/import/", {"file": upload}, follow=True)
    assert "Not imported" in response.content.decode() and "name" in response.content.decode()
    assert Dashboard.objects.count() == 1


def test_a_private_dashboard_is_hidden_from_teammates(client, owner, teammate):
    private = dashboard_create(owner=owner, title="Mine only", shared=False)
    client.force_login(teammate)
    assert client.get(f"/dashboards/{private.pk}/").status_code == 404
    assert client.get(f"/dashboards/{private.pk}/export/").status_code == 404


def test_a_teammate_sees_a_shared_dashboard_but_cannot_edit_it(client, owner, teammate):
    shared = dashboard_create(owner=owner, title="Team", shared=True)
    client.force_login(teammate)
    assert client.get(f"/dashboards/{shared.pk}/").status_code == 200
    assert client.post(f"/dashboards/{shared.pk}/add-panel/", PANEL).status_code == 403
    assert client.post(f"/dashboards/{shared.pk}/delete/").status_code == 403
    assert Dashboard.objects.filter(pk=shared.pk).exists()


def test_a_panel_is_edited_in_place(client, mine):
    url = f"/dashboards/{mine.pk}"
    client.post(f"{url}/add-panel/", PANEL)
    client.post(f"{url}/add-panel/", {**PANEL, "title": "Mem", "name": "memory.used"})
    page = client.get(f"{url}/edit/").content.decode()
    assert 'name="p1-title" value="Mem"' in page  # the form starts from the stored panel
    edited = {f"p1-{k}": v for k, v in PANEL.items()}
    edited.update({"index": 1, "p1-title": "Memory", "p1-chart": "bar", "p1-width": 4})
    edited["p1-labels"] = "region=eu, disk=$disk"
    response = client.post(f"{url}/update-panel/", edited, follow=True)
    assert "Panel 2 saved." in response.content.decode()
    mine.refresh_from_db()
    first, second = mine.definition["panels"]
    assert first["title"] == "CPU"
    assert (second["title"], second["chart"], second["width"]) == ("Memory", "bar", 4)
    assert second["query"]["labels"] == {"region": "eu", "disk": "$disk"}


def test_panel_labels_take_variables_in_the_view(client, mine):
    labelled = {**PANEL, "labels": "region=$region"}
    client.post(f"/dashboards/{mine.pk}/add-panel/", labelled)
    page = client.get(f"/dashboards/{mine.pk}/", {"var-region": "eu"}).content.decode()
    assert "&quot;label.region&quot;: &quot;$region&quot;" in page  # no such variable: kept
    mine.refresh_from_db()
    mine.definition["variables"].append({"name": "region", "default": "us"})
    mine.save()
    page = client.get(f"/dashboards/{mine.pk}/", {"var-region": "eu"}).content.decode()
    assert "&quot;label.region&quot;: &quot;eu&quot;" in page


@pytest.mark.parametrize(
    ("change", "reason"),
    [({"p0-labels": "region"}, "key=value"), ({"p0-chart": "pie"}, "chart"), ({"index": 5}, "")],
)
def test_a_bad_panel_edit_says_why_and_changes_nothing(client, mine, change, reason):
    url = f"/dashboards/{mine.pk}"
    client.post(f"{url}/add-panel/", PANEL)
    mine.refresh_from_db()
    before = mine.definition
    edited = {"index": 0, **{f"p0-{k}": v for k, v in PANEL.items()}, **change}
    page = client.post(f"{url}/update-panel/", edited, follow=True).content.decode()
    assert "not changed" in page or "Not saved" in page
    assert reason in page
    mine.refresh_from_db()
    assert mine.definition == before


def test_a_teammate_cannot_edit_a_shared_panel(client, owner, teammate):
    shared = dashboard_create(owner=owner, title="Team", shared=True)
    client.force_login(teammate)
    edited = {"index": 0, **{f"p0-{k}": v for k, v in PANEL.items()}}
    assert client.post(f"/dashboards/{shared.pk}/update-panel/", edited).status_code == 403


def test_a_host_variable_offers_the_known_hosts(client, mine, django_assert_num_queries):
    from metrics.models import Series

    for host in ("web-2", "web-1", ""):
        Series.objects.create(name="cpu.usage", host=host)
    with django_assert_num_queries(7):  # session, user, permissions (2), role, dashboard, hosts
        page = client.get(f"/dashboards/{mine.pk}/").content.decode()
    options = page[page.index('<datalist id="host-options">') :]
    assert options.index('value="web-1"') < options.index('value="web-2"')
    assert 'list="host-options"' in page and "shared with the team" in page


def test_a_dashboard_without_a_host_variable_reads_no_hosts(
    client, owner, django_assert_num_queries
):
    private = dashboard_create(owner=owner, title="Mine", shared=False)
    client.force_login(owner)
    with django_assert_num_queries(6):  # session, user, permissions (2), role, dashboard
        page = client.get(f"/dashboards/{private.pk}/").content.decode()
    assert "host-options" not in page and "private" in page
