"""The series FilterSet of `GET /api/v1/series/`: name, host, watch, type, `search` (name or host
contains) and `label.<key>=<value>` filters."""

import django_filters
from django.db.models import Q

from metrics.models import Series


class SeriesFilter(django_filters.FilterSet):
    name = django_filters.CharFilter()
    host = django_filters.CharFilter()
    search = django_filters.CharFilter(method="filter_search", label="name or host contains")

    class Meta:
        model = Series
        fields = ["name", "host", "watch", "type"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(host__icontains=value))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        for key, value in self.data.items():
            if key.startswith("label.") and len(key) > 6:
                queryset = queryset.filter(**{f"labels__{key[6:]}": value})
        return queryset
