"""Saved dashboards' writes: create, import, update, panels, delete."""

from __future__ import annotations

from django.contrib.auth.models import User
from rest_framework import serializers

from dashboards.definition import validate_definition
from dashboards.models import Dashboard


def dashboard_create(
    *, owner: User, title: str, definition: dict | None = None, shared: bool = True
) -> Dashboard:
    clean = validate_definition(definition or {})
    clean.pop("title", None)
    return Dashboard.objects.create(owner=owner, title=title, shared=shared, definition=clean)


def dashboard_import(*, owner: User, data: object) -> Dashboard:
    clean = validate_definition(data)
    title = str(clean.pop("title", "") or "Imported dashboard")
    return Dashboard.objects.create(owner=owner, title=title, definition=clean)


def dashboard_export(dashboard: Dashboard) -> dict:
    return {"title": dashboard.title, **dashboard.definition}


def refuse_provisioned(dashboard: Dashboard) -> None:
    if dashboard.provisioned:
        raise serializers.ValidationError(
            {"dashboard": f"Provisioned from {dashboard.source}: change the file and run "
             "manage.py provision."}
        )  # fmt: skip


def dashboard_update(
    *, dashboard: Dashboard, definition: dict, title: str | None = None, shared: bool | None = None
) -> Dashboard:
    refuse_provisioned(dashboard)
    dashboard.definition = {
        k: v for k, v in validate_definition(definition).items() if k != "title"
    }
    if title:
        dashboard.title = title
    if shared is not None:
        dashboard.shared = shared
    dashboard.save()
    return dashboard


def panel_add(*, dashboard: Dashboard, panel: dict) -> Dashboard:
    definition = {
        **dashboard.definition,
        "panels": [*dashboard.definition.get("panels", []), panel],
    }
    return dashboard_update(dashboard=dashboard, definition=definition)


def panel_update(*, dashboard: Dashboard, index: int, panel: dict) -> Dashboard:
    """Replace panel ``index`` (its query, chart type, title or size)."""
    panels = list(dashboard.definition.get("panels", []))
    if not 0 <= index < len(panels):
        raise serializers.ValidationError({"index": f"no panel {index + 1}"})
    panels[index] = panel
    return dashboard_update(
        dashboard=dashboard, definition={**dashboard.definition, "panels": panels}
    )


def panel_move(*, dashboard: Dashboard, index: int, delta: int) -> Dashboard:
    panels = list(dashboard.definition.get("panels", []))
    target = index + delta
    if 0 <= index < len(panels) and 0 <= target < len(panels):
        panels[index], panels[target] = panels[target], panels[index]
    return dashboard_update(
        dashboard=dashboard, definition={**dashboard.definition, "panels": panels}
    )


def panel_remove(*, dashboard: Dashboard, index: int) -> Dashboard:
    panels = [p for i, p in enumerate(dashboard.definition.get("panels", [])) if i != index]
    return dashboard_update(
        dashboard=dashboard, definition={**dashboard.definition, "panels": panels}
    )


def dashboard_delete(*, dashboard: Dashboard) -> None:
    refuse_provisioned(dashboard)
    dashboard.delete()
