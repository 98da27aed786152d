"""Prometheus and OpenTelemetry endpoints, on the paths their clients use; scrape targets."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from prom import views
from prom.api.otlp import OtlpMetricsApi
from prom.api.remote_write import RemoteWriteApi
from prom.api.targets import ScrapeTargetViewSet

router = SimpleRouter()
router.register("api/v1/scrape-targets", ScrapeTargetViewSet, basename="scrape-target")

urlpatterns = [
    path("api/v1/write", RemoteWriteApi.as_view(), name="prometheus-remote-write"),
    path("v1/metrics", OtlpMetricsApi.as_view(), name="otlp-metrics"),
    path("targets/", views.targets, name="targets"),
    *router.urls,
]
