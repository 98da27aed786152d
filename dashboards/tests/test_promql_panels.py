"""Saved dashboard panels in PromQL: ``$variables`` filled in, ``label_values(...)``
variable queries listing the choices, bad queries refused when imported."""

from __future__ import annotations

import io
import json

import pytest

from dashboards.models import Dashboard
from metrics.models import Series

pytestmark = pytest.mark.django_db
DEFINITION = {
    "title": "Nodes",
    "variables": [
        {
            "name": "instance",
            "default": "web-1:9100",
            "query": 'label_values(up{job="node"}, instance)',
        },
        {"name": "job", "default": "node", "query": "label_values(job)"},
    ],
    "panels": [
        {
            "title": "CPU of $instance",
            "query": {
                "promql": 'sum by (mode) (rate(node_cpu_seconds_total{instance="$instance"}[5m]))'
            },
        },
        {"title": "Load", "query": {"name": "node_load1"}},
    ],
}


def upload(client, definition: dict):
    body = io.BytesIO(json.dumps(definition).encode())
    body.name = "d.json"
    return client.post("/dashboards/import/", {"file": body}, follow=True)


@pytest.fixture
def nodes():
    for instance, job in (
        ("web-1:9100", "node"),
        ("web-2:9100", "node"),
        ("db-1:9187", "postgres"),
    ):
        Series(name="up", labels={"instance": instance, "job": job}).save()


def test_a_promql_panel_gets_its_variables_and_the_choices_come_from_label_values(
    client, owner, nodes
):
    client.force_login(owner)
    upload(client, DEFINITION)
    dashboard = Dashboard.objects.get()

    page = client.get(
        f"/dashboards/{dashboard.pk}/", {"var-instance": "web-2:9100"}
    ).content.decode()

    assert (
        'data-promql="sum by (mode) (rate(node_cpu_seconds_total{instance=&quot;web-2:9100&quot;}[5m]))"'
        in page
    )
    assert "<h2>CPU of web-2:9100</h2>" in page
    assert (
        '<datalist id="options-instance"><option value="web-1:9100"><option value="web-2:9100"></datalist>'
        in page
    )
    assert (
        '<datalist id="options-job"><option value="node"><option value="postgres"></datalist>'
        in page
    )
    assert 'data-kind="line"' in page  # the metric panel is still an ordinary chart


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"panels": [{"query": {"promql": "sum("}}]}, "parse error"),
        ({"panels": [{"query": {"promql": "up[5m]"}}]}, "a panel needs a vector or a scalar"),
        ({"panels": [{"query": {}}]}, "needs a metric name or a PromQL query"),
        ({"variables": [{"name": "x", "query": "values(up)"}]}, "label_values(label)"),
    ],
)
def test_a_bad_promql_dashboard_is_not_imported_and_says_why(client, owner, change, reason):
    client.force_login(owner)

    response = upload(client, {**DEFINITION, **change})

    assert "Not imported" in response.content.decode()
    assert reason in response.content.decode()
    assert not Dashboard.objects.exists()


def test_the_edit_page_lists_a_promql_panel_by_its_query(client, owner):
    client.force_login(owner)
    upload(client, DEFINITION)

    page = client.get(f"/dashboards/{Dashboard.objects.get().pk}/edit/").content.decode()

    assert (
        "<code>sum by (mode) (rate(node_cpu_seconds_total{instance=&quot;$instance&quot;}[5m]))</code>"
        in page
    )
