"""Admin for scenarios (validated like the API: engine spec, allow-list, caps), runs and
training sessions (read-only records; runs can be stopped)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from scenarios import services
from scenarios.models import Scenario, ScenarioRun, TrainingSession


class ScenarioAdminForm(forms.ModelForm):
    class Meta:
        model = Scenario
        fields = ["name", "description", "spec", "tags", "monitored_host"]

    def clean(self):
        data = super().clean()
        if "spec" in data and data.get("name"):
            try:
                services.check_spec_safe(data["spec"], data["name"])
            except services.SafetyError as exc:
                self.add_error("spec", str(exc))
        return data


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    form = ScenarioAdminForm
    list_display = ["name", "executor", "target_url", "generated", "difficulty", "updated_at"]
    list_filter = ["generated", "difficulty"]
    search_fields = ["name", "description"]
    actions = ["run_now"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Run the selected scenarios now")
    def run_now(self, request, queryset):
        for scenario in queryset:
            try:
                run = services.run_request(scenario=scenario, user=request.user)
                self.message_user(request, f"Queued run {run.pk} of {scenario}.")
            except services.SafetyError as exc:
                self.message_user(request, f"{scenario}: {exc}", messages.ERROR)


@admin.register(ScenarioRun)
class ScenarioRunAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "status", "thresholds_passed", "started_at", "ended_at"]
    list_filter = ["status", "thresholds_passed"]
    search_fields = ["name"]
    actions = ["stop"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Stop the selected runs")
    def stop(self, request, queryset):
        for run in queryset.filter(status__in=ScenarioRun.ACTIVE):
            services.run_cancel(run=run)
        self.message_user(request, "Stop requested.")


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["id", "label", "target_url", "status", "capacity_rps", "ended_at"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
