"""A saved dashboard's definition: its schema (validated with DRF serializers) and variable
substitution."""

from __future__ import annotations

import re

from rest_framework import serializers

from metrics.query.params import AGGS
from metrics.timerange import CHOICES
from prom.promql import PromQLError, parse, value_type

CHART_TYPES = ("line", "area", "bar", "stat", "table", "heatmap")
VARIABLE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class PanelQuerySerializer(serializers.Serializer):
    """A metric query (``name``, ``host``, ``labels``, ``agg``, ``step``) or a PromQL one
    (``promql``, ``$variables`` allowed)."""

    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    promql = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    host = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    labels = serializers.DictField(
        child=serializers.CharField(max_length=200), required=False, default=dict
    )
    agg = serializers.ChoiceField(choices=AGGS, default="avg")
    step = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("name") and not attrs.get("promql"):
            raise serializers.ValidationError("A panel needs a metric name or a PromQL query.")
        problem = promql_problem(attrs.get("promql", ""))
        if problem:
            raise serializers.ValidationError({"promql": problem})
        return attrs


class PanelSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True, default="")
    chart = serializers.ChoiceField(choices=CHART_TYPES, default="line")
    query = PanelQuerySerializer()
    width = serializers.IntegerField(min_value=1, max_value=4, default=2)
    height = serializers.IntegerField(min_value=1, max_value=3, default=1)


class VariableSerializer(serializers.Serializer):
    """``query``: ``label_values(label)`` or ``label_values(selector, label)`` (Grafana's
    variable query) lists the choices."""

    name = serializers.RegexField(r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=50)
    default = serializers.CharField(max_length=200, allow_blank=True, default="")
    query = serializers.CharField(max_length=1000, required=False, allow_blank=True)

    def validate_query(self, value: str) -> str:
        if value and parse_label_values(value) is None:
            raise serializers.ValidationError(
                "Use label_values(label) or label_values(selector, label)."
            )
        return value


class DefinitionSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    range = serializers.ChoiceField(choices=CHOICES, default="1h")
    variables = VariableSerializer(many=True, default=list)
    panels = PanelSerializer(many=True, default=list)


LABEL_VALUES = re.compile(
    r"^\s*label_values\(\s*(?:(.+?)\s*,\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$"
)


def parse_label_values(text: str) -> tuple[str, str] | None:
    """(selector or "", label) of ``label_values(...)``, or None."""
    match = LABEL_VALUES.match(text)
    return (match[1] or "", match[2]) if match else None


def promql_problem(query: str) -> str | None:
    """Why a panel's PromQL can't run (checked when it has no ``$variable`` left)."""
    if not query or "$" in query:
        return None
    try:
        kind = value_type(parse(query))
    except PromQLError as exc:
        return str(exc)
    return (
        None
        if kind in ("vector", "scalar")
        else f"a panel needs a vector or a scalar, not a {kind}"
    )


def validate_definition(data: object) -> dict:
    """The cleaned definition, or ``serializers.ValidationError`` naming what is wrong."""
    if not isinstance(data, dict):
        raise serializers.ValidationError({"definition": "must be a JSON object"})
    serializer = DefinitionSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with each ``$var`` replaced by its chosen value (unknown ones left as is)."""
    return VARIABLE.sub(lambda m: values.get(m[1], m[0]), text)


def substitute(query: dict, values: dict[str, str]) -> dict:
    """Replace ``$var`` in the panel's query with the chosen values."""
    out = {k: fill(v, values) if isinstance(v, str) else v for k, v in query.items()}
    out["labels"] = {k: fill(v, values) for k, v in query.get("labels", {}).items()}
    return out
