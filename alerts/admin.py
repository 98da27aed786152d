"""Admin: rules (validated by ``clean()``, with a 7-day backtest), alerts, channels (with a
"send test notification" action), notifications and attempts, silences, detection."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from alerts.admin_routing import ProvisionedReadOnly
from alerts.models import (
    Alert,
    AlertEvent,
    AlertRule,
    Anomaly,
    DetectorState,
    Notification,
    NotificationAttempt,
    NotificationChannel,
    RecordingRule,
    Silence,
)
from alerts.selectors import series_sensitivities
from alerts.services.backtest import rule_backtest
from alerts.services.detection import anomaly_dismiss
from alerts.services.notify import channel_send_test
from alerts.services.rules import alert_acknowledge, rule_save, silence_save

MAX_LISTED_FIRINGS = 50


@admin.register(RecordingRule)
class RecordingRuleAdmin(admin.ModelAdmin):
    """PromQL recording rules (``import_prometheus_rules`` makes them from rule files)."""

    list_display = ("record", "expr", "group", "interval_seconds", "enabled", "last_status")
    list_filter = ("enabled", "group", "last_status")
    search_fields = ("record", "expr")
    readonly_fields = ("last_evaluated_at", "last_status", "error")


@admin.register(AlertRule)
class AlertRuleAdmin(ProvisionedReadOnly):
    list_display = ("name", "metric", "condition", "severity", "enabled", "last_status", "version")
    list_filter = ("enabled", "condition", "severity", "last_status")
    search_fields = ("name", "metric")
    filter_horizontal = ("channels",)
    readonly_fields = ("version", "last_evaluated_at", "last_status", "error", "backtest")
    fieldsets = (
        (None, {"fields": ("name", "enabled", "severity", "channels")}),
        ("Selector", {"fields": ("metric", "host_pattern", "host_regex", "label_matchers")}),
        ("PromQL (condition: PromQL expression)", {"fields": ("expr",)}),
        (
            "Condition",
            {
                "fields": (
                    "condition",
                    "agg",
                    "window_seconds",
                    "op",
                    "threshold",
                    "resolve_threshold",
                    "detector",
                    "sensitivity",
                    "horizon_seconds",
                    "absence_minutes",
                )
            },
        ),  # fmt: skip
        (
            "Timing",
            {
                "fields": (
                    "for_seconds",
                    "keep_firing_for_seconds",
                    "flap_window_seconds",
                    "flap_max_transitions",
                )
            },
        ),
        (
            "Labels and messages",
            {"fields": ("labels", "annotations", "summary_template", "description_template")},
        ),
        (
            "Status",
            {"fields": ("version", "last_evaluated_at", "last_status", "error", "backtest")},
        ),
    )

    def save_model(self, request, obj, form, change) -> None:
        if change and not form.has_changed():
            return
        rule_save(rule=obj)

    @admin.display(description="Backtest (last 7 days)")
    def backtest(self, obj: AlertRule | None) -> str:
        if obj is None or obj.pk is None:
            return "“Backtest these settings” below shows it before you save."
        return backtest_html(rule_backtest(rule=obj))

    def get_urls(self):
        view = self.admin_site.admin_view(self.backtest_view)
        return [path("backtest/", view, name="alerts_alertrule_backtest"), *super().get_urls()]

    def backtest_view(self, request) -> HttpResponse:
        """The form's current values, backtested without saving (the add and change pages)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        rule_id = request.POST.get("_rule", "")
        obj = AlertRule.objects.filter(pk=rule_id).first() if rule_id.isdigit() else None
        allowed = (
            self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        form = self.get_form(request, obj)(request.POST, instance=obj)
        if not form.is_valid():
            errors = format_html_join("", "<li>{}: {}</li>", _form_errors(form))
            return HttpResponse(format_html('<ul class="errorlist">{}</ul>', errors))
        return HttpResponse(backtest_html(rule_backtest(rule=form.save(commit=False))))


def _form_errors(form):
    for field, errors in form.errors.items():
        for error in errors:
            yield field, error


def backtest_html(result) -> str:
    """The backtest's count and the first firings, as admin HTML."""
    head = format_html(
        "Would have fired <strong>{}</strong> times over {} series (step {} s).",
        result.count, result.series, result.step_s,
    )  # fmt: skip
    note = format_html(" <em>{}</em>", result.note) if result.note else ""
    items = format_html_join(
        "",
        "<li>{} — {}</li>",
        ((f"{t:%Y-%m-%d %H:%M} UTC", s) for s, t in result.fired[:MAX_LISTED_FIRINGS]),
    )
    return format_html("{}{}<ul>{}</ul>", head, note, items)


class AlertEventInline(admin.TabularInline):
    model = AlertEvent
    extra = 0
    can_delete = False
    readonly_fields = AlertEvent.SHOWN_FIELDS

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = (
        "rule",
        "series",
        "state",
        "value",
        "since",
        "flapping",
        "silenced",
        "acknowledged_at",
    )
    list_filter = ("state", "flapping", "silenced", "rule__severity")
    list_select_related = ("rule", "series")
    readonly_fields = [f.name for f in Alert._meta.fields]
    inlines = [AlertEventInline]
    actions = ["acknowledge"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Acknowledge selected alerts")
    def acknowledge(self, request, queryset) -> None:
        for alert in queryset.select_related("rule", "series"):
            alert_acknowledge(alert=alert, user=request.user)
        self.message_user(request, f"Acknowledged {queryset.count()} alerts.", messages.SUCCESS)


@admin.register(NotificationChannel)
class NotificationChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "enabled", "group_wait_seconds", "repeat_interval_seconds")
    actions = ["send_test"]

    @admin.action(description="Send test notification")
    def send_test(self, request, queryset) -> None:
        for channel in queryset:
            note = channel_send_test(channel=channel)
            if note.status == Notification.Status.SENT:
                self.message_user(
                    request, f"{channel.name}: test notification sent.", messages.SUCCESS
                )
            else:
                self.message_user(
                    request, f"{channel.name}: failed: {note.last_error}", messages.ERROR
                )


class NotificationAttemptInline(admin.TabularInline):
    model = NotificationAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("at", "ok", "status_code", "error", "duration_ms")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "channel",
        "rule",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = ("status", "channel")
    readonly_fields = [f.name for f in Notification._meta.fields]
    inlines = [NotificationAttemptInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Silence)
class SilenceAdmin(ProvisionedReadOnly):
    list_display = ("__str__", "starts_at", "ends_at", "rrule", "timezone", "created_by", "status")
    readonly_fields = ("created_by", "created_at")

    @admin.display(description="status")
    def status(self, obj: Silence) -> str:
        now = timezone.now()
        if obj.expired(now):
            return "expired"
        return "active now" if obj.active_at(now) else "scheduled"

    def save_model(self, request, obj, form, change) -> None:
        silence_save(silence=obj, user=request.user)


@admin.register(DetectorState)
class DetectorStateAdmin(admin.ModelAdmin):
    list_display = ("series", "detector", "sensitivity", "last_ts", "updated_at")
    list_select_related = ("series",)
    readonly_fields = ("series", "detector", "state", "last_ts", "sensitivity", "updated_at")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Anomaly)
class AnomalyAdmin(admin.ModelAdmin):
    list_display = ("series", "ts", "detector", "value", "score", "expected", "dismissed")
    list_filter = ("dismissed", "detector")
    list_select_related = ("series",)
    readonly_fields = [f.name for f in Anomaly._meta.fields]
    actions = ["not_an_anomaly", "undo_not_an_anomaly"]

    @admin.action(description="Not an anomaly (lowers the series' sensitivity)")
    def not_an_anomaly(self, request, queryset) -> None:
        self._feedback(request, queryset, dismissed=True)

    @admin.action(description="Undo 'not an anomaly'")
    def undo_not_an_anomaly(self, request, queryset) -> None:
        self._feedback(request, queryset, dismissed=False)

    def _feedback(self, request, queryset, *, dismissed: bool) -> None:
        anomalies = list(queryset.select_related("series"))
        for anomaly in anomalies:
            anomaly_dismiss(anomaly=anomaly, user=request.user, dismissed=dismissed)
        series = {a.series_id: a.series for a in anomalies}
        now = series_sensitivities(series=list(series.values()))
        shown = "; ".join(f"{s}: {now[pk].effective:.2f}" for pk, s in series.items())
        verb = "Marked as not an anomaly" if dismissed else "Restored"
        self.message_user(request, f"{verb}: {len(anomalies)}. Sensitivity now {shown}.")
