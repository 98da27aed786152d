"""Admin for notification routing: receivers, policies, inhibition rules, time intervals
(editable by admins, except rows provisioned from files), and the dispatcher's records
(read-only). Imported by ``alerts.admin``."""

from __future__ import annotations

from django.contrib import admin

from alerts.models import (
    DispatcherState,
    InhibitionRule,
    NotificationPolicy,
    ReceivedAlert,
    Receiver,
    RoutingDecision,
    TimeInterval,
)

PROVISIONED_HELP = "Provisioned from a file: change the file and run manage.py provision."


class ProvisionedReadOnly(admin.ModelAdmin):
    """Rows loaded from files are read-only here (as Grafana does); change the file."""

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and getattr(obj, "provisioned", False):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and getattr(obj, "provisioned", False):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "provisioned", "source")


@admin.register(Receiver)
class ReceiverAdmin(ProvisionedReadOnly):
    list_display = ("name", "kinds", "provisioned")
    search_fields = ("name",)

    @admin.display(description="integrations")
    def kinds(self, obj: Receiver) -> str:
        config = obj.config if isinstance(obj.config, dict) else {}
        return ", ".join(
            f"{k.removesuffix('_configs')} × {len(v or [])}" for k, v in config.items()
        )


@admin.register(TimeInterval)
class TimeIntervalAdmin(ProvisionedReadOnly):
    list_display = ("name", "provisioned")


@admin.register(InhibitionRule)
class InhibitionRuleAdmin(ProvisionedReadOnly):
    list_display = ("__str__", "source_matchers", "target_matchers", "equal", "position")


@admin.register(NotificationPolicy)
class NotificationPolicyAdmin(ProvisionedReadOnly):
    list_display = ("__str__", "parent", "position", "matchers", "receiver", "continue_matching")
    list_select_related = ("parent", "receiver")
    fields = (
        "name", "parent", "position", "matchers", "receiver", "group_by", "group_wait",
        "group_interval", "repeat_interval", "continue_matching", "mute_time_intervals",
        "active_time_intervals",
    )  # fmt: skip


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RoutingDecision)
class RoutingDecisionAdmin(ReadOnlyAdmin):
    list_display = ("at", "receiver", "route_path", "outcome", "reason")
    list_filter = ("outcome", "receiver")
    search_fields = ("fingerprints", "group_key")


@admin.register(ReceivedAlert)
class ReceivedAlertAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "fingerprint", "starts_at", "ends_at", "updated_at")
    search_fields = ("fingerprint",)


@admin.register(DispatcherState)
class DispatcherStateAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "config_hash", "updated_at")
    exclude = ("state",)
