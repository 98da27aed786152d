"""Prometheus and OpenTelemetry endpoints, on the paths their clients use."""

from django.urls import path

from prom.api.otlp import OtlpMetricsApi
from prom.api.remote_write import RemoteWriteApi

urlpatterns = [
    path("api/v1/write", RemoteWriteApi.as_view(), name="prometheus-remote-write"),
    path("v1/metrics", OtlpMetricsApi.as_view(), name="otlp-metrics"),
]
