from django.contrib import admin

from forecasting.models import Forecast, ForecastConfig


@admin.register(ForecastConfig)
class ForecastConfigAdmin(admin.ModelAdmin):
    """Forecast settings per series or per selector; ``clean()`` rejects bad combinations."""

    list_display = ("__str__", "enabled", "model", "horizon_seconds", "step_seconds", "next_run_at")
    list_filter = ("enabled", "model")
    list_editable = ("enabled",)
    search_fields = ("name", "metric", "host_pattern")
    raw_id_fields = ("series",)
    readonly_fields = ("created_at",)


@admin.register(Forecast)
class ForecastAdmin(admin.ModelAdmin):
    """Forecast runs (read-only): written by the scheduler and "forecast now"."""

    list_display = ("series", "model", "status", "reliable", "created_at", "duration_ms")
    list_filter = ("status", "reliable")
    list_select_related = ("series",)
    raw_id_fields = ("series", "config")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
