from django.contrib import admin

from prom.models import ScrapeTarget


@admin.register(ScrapeTarget)
class ScrapeTargetAdmin(admin.ModelAdmin):
    """Scrape targets (admins only): where Hydra's outbound scrapes go. Secrets are names of
    ``SCRAPE_…`` environment variables, never the secret itself."""

    list_display = ("job", "url", "enabled", "interval", "health", "last_scrape", "last_error")
    list_filter = ("job", "enabled", "health")
    search_fields = ("job", "url")
    readonly_fields = (
        "source", "health", "last_scrape", "last_duration_s", "last_samples", "last_error",
        "created_at", "updated_at",
    )  # fmt: skip

    def save_model(self, request, obj: ScrapeTarget, form, change: bool) -> None:
        if not change:
            obj.source = obj.source or "admin"
        super().save_model(request, obj, form, change)
