"""Prometheus and OpenTelemetry endpoints, on the paths their clients use; scrape targets."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from prom import views
from prom.api import prometheus as papi
from prom.api.otlp import OtlpMetricsApi
from prom.api.remote_write import RemoteWriteApi
from prom.api.targets import ScrapeTargetViewSet

router = SimpleRouter()
router.register("api/v1/scrape-targets", ScrapeTargetViewSet, basename="scrape-target")

P = "prometheus/api/v1/"
urlpatterns = [
    path("api/v1/write", RemoteWriteApi.as_view(), name="prometheus-remote-write"),
    path("v1/metrics", OtlpMetricsApi.as_view(), name="otlp-metrics"),
    path("targets/", views.targets, name="targets"),
    *router.urls,
    path(f"{P}query", papi.QueryApi.as_view(), name="prometheus-query"),
    path(f"{P}query_range", papi.QueryRangeApi.as_view(), name="prometheus-query-range"),
    path(f"{P}series", papi.SeriesApi.as_view(), name="prometheus-series"),
    path(f"{P}labels", papi.LabelsApi.as_view(), name="prometheus-labels"),
    path(
        f"{P}label/<str:name>/values", papi.LabelValuesApi.as_view(), name="prometheus-label-values"
    ),
    path(f"{P}metadata", papi.MetadataApi.as_view(), name="prometheus-metadata"),
    path(f"{P}status/buildinfo", papi.BuildInfoApi.as_view(), name="prometheus-buildinfo"),
    path(f"{P}query_exemplars", papi.ExemplarsApi.as_view(), name="prometheus-exemplars"),
    path(f"{P}format_query", papi.FormatQueryApi.as_view(), name="prometheus-format-query"),
]
