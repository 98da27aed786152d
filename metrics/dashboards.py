"""Saved dashboards: the definition's schema (validated with DRF serializers), variable
substitution, and the writes (create, update, panels, import)."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from rest_framework import serializers

from metrics.models import Dashboard
from metrics.query.params import AGGS
from metrics.timerange import CHOICES

CHART_TYPES = ("line", "area", "bar", "stat", "table", "heatmap")
VARIABLE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class PanelQuerySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    host = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    labels = serializers.DictField(
        child=serializers.CharField(max_length=200), required=False, default=dict
    )
    agg = serializers.ChoiceField(choices=AGGS, default="avg")
    step = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")


class PanelSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True, default="")
    chart = serializers.ChoiceField(choices=CHART_TYPES, default="line")
    query = PanelQuerySerializer()
    width = serializers.IntegerField(min_value=1, max_value=4, default=2)
    height = serializers.IntegerField(min_value=1, max_value=3, default=1)


class VariableSerializer(serializers.Serializer):
    name = serializers.RegexField(r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=50)
    default = serializers.CharField(max_length=200, allow_blank=True, default="")


class DefinitionSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    range = serializers.ChoiceField(choices=CHOICES, default="1h")
    variables = VariableSerializer(many=True, default=list)
    panels = PanelSerializer(many=True, default=list)


def validate_definition(data: object) -> dict:
    """The cleaned definition, or ``serializers.ValidationError`` naming what is wrong."""
    if not isinstance(data, dict):
        raise serializers.ValidationError({"definition": "must be a JSON object"})
    serializer = DefinitionSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def substitute(query: dict, values: dict[str, str]) -> dict:
    """Replace ``$var`` in the panel's query with the chosen values."""

    def fill(text: str) -> str:
        return VARIABLE.sub(lambda m: values.get(m[1], m[0]), text)

    out = {k: fill(v) if isinstance(v, str) else v for k, v in query.items()}
    out["labels"] = {k: fill(v) for k, v in query.get("labels", {}).items()}
    return out


def dashboards_visible(*, user: User) -> QuerySet[Dashboard]:
    return Dashboard.objects.filter(Q(owner=user) | Q(shared=True)).select_related("owner")


def can_edit(dashboard: Dashboard, user: User) -> bool:
    return dashboard.owner_id == user.pk or user.is_staff


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


def dashboard_update(
    *, dashboard: Dashboard, definition: dict, title: str | None = None, shared: bool | None = None
) -> Dashboard:
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
