"""FilterSets for scenarios and runs, used by the API lists and the HTML pages."""

from __future__ import annotations

from datetime import UTC, datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from metrics.query.params import now_us, parse_time
from scenarios.models import Scenario, ScenarioRun


class TimeField(forms.CharField):
    """RFC 3339, epoch seconds/ms, ``now`` or a relative time like ``-6h``."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return datetime.fromtimestamp(parse_time(text, now_us()) / 1e6, UTC)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class TimeFilter(django_filters.Filter):
    field_class = TimeField


class ScenarioFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="name or target contains")
    tag = django_filters.CharFilter(method="filter_tag")
    generated = django_filters.BooleanFilter()
    difficulty = django_filters.ChoiceFilter(
        choices=[(d, d) for d in ("easy", "medium", "hard", "extreme")]
    )

    class Meta:
        model = Scenario
        fields = ["search", "tag", "generated", "difficulty"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(spec__requests__0__url__icontains=value)
        )

    def filter_tag(self, queryset, name, value):
        if connection.vendor == "postgresql":
            return queryset.filter(tags__contains=[value])
        # SQLite has no JSON containment lookup: one element of the list equal to the tag
        table = queryset.model._meta.db_table
        has_tag = RawSQL(
            f'EXISTS (SELECT 1 FROM json_each("{table}"."tags") WHERE json_each.value = %s)',
            [value],
            output_field=BooleanField(),
        )
        return queryset.filter(has_tag)


class RunFilter(django_filters.FilterSet):
    """``start``/``end`` (RFC 3339, epoch or relative like ``-6h``) select runs overlapping
    that range: how charts find the load tests to shade."""

    scenario = django_filters.NumberFilter(field_name="scenario_id")
    status = django_filters.MultipleChoiceFilter(choices=ScenarioRun.Status.choices)
    active = django_filters.BooleanFilter(method="filter_active")
    start = TimeFilter(field_name="ended_at", method="filter_start")
    end = TimeFilter(field_name="started_at", method="filter_end")

    class Meta:
        model = ScenarioRun
        fields = ["scenario", "status", "active", "start", "end"]

    def filter_active(self, queryset, name, value):
        active = Q(status__in=ScenarioRun.ACTIVE)
        return queryset.filter(active if value else ~active)

    def filter_start(self, queryset, name, value):
        return queryset.filter(Q(ended_at__isnull=True) | Q(ended_at__gte=value))

    def filter_end(self, queryset, name, value):
        return queryset.filter(started_at__lte=value)
