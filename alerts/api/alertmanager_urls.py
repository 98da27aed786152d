"""Alertmanager API v2 paths (at the root, where Prometheus and amtool look)."""

from django.urls import path

from alerts.api.alertmanager import AlertmanagerAlertsApi, AlertmanagerStatusApi

urlpatterns = [
    path("api/v2/alerts", AlertmanagerAlertsApi.as_view(), name="alertmanager-alerts"),
    path("api/v2/status", AlertmanagerStatusApi.as_view(), name="alertmanager-status"),
]
