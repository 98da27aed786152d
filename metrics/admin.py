from django.contrib import admin, messages

from metrics.api.serializers import iso_us
from metrics.models import RetentionPolicy, Series
from metrics.selectors import metric_cardinality
from metrics.services import series_delete


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    """Series: edit type/unit/help/watch; the list warns about metrics near their
    series limit (HYDRA_MAX_SERIES_PER_METRIC)."""

    list_display = ("name", "host", "labels", "latest_value", "watch")
    list_filter = ("watch", "type")
    list_editable = ("watch",)
    search_fields = ("name", "host")
    readonly_fields = ("name", "host", "labels", "key", "latest_at", "latest_value", "created_at")
    fields = (
        "name",
        "host",
        "labels",
        "type",
        "unit",
        "help",
        "watch",
        "latest_at",
        "latest_value",
        "created_at",
    )
    actions = ["delete_with_points"]
    list_per_page = 100

    def get_queryset(self, request):
        return super().get_queryset(request).with_latest()

    @admin.display(description="latest value")
    def latest_value(self, obj: Series) -> float | None:
        return obj.last_value  # type: ignore[attr-defined]

    @admin.display(description="latest point (UTC)")
    def latest_at(self, obj: Series) -> str | None:
        return iso_us(obj.last_ts)  # type: ignore[attr-defined]

    def has_add_permission(self, request) -> bool:
        return False  # series are created by ingestion

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # the generic delete would leave points behind
        return actions

    def changelist_view(self, request, extra_context=None):
        for row in metric_cardinality():
            self.message_user(
                request,
                f"Metric {row['name']!r} has {row['series']} series of its limit {row['limit']}.",
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    @admin.action(description="Delete selected series with all their points")
    def delete_with_points(self, request, queryset) -> None:
        count = 0
        for series in queryset:
            series_delete(series=series)
            count += 1
        self.message_user(request, f"Deleted {count} series and their points.", messages.SUCCESS)

    def delete_model(self, request, obj) -> None:
        series_delete(series=obj)


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    """Retention per tier and metric-name pattern (admins only: core.roles)."""

    list_display = ("tier", "pattern", "keep", "order")
    list_filter = ("tier",)
    list_editable = ("order",)
    search_fields = ("pattern",)
