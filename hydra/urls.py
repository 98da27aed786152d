from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views
from core.api.health import HealthApi
from metrics.api.views import LineProtocolWriteApi

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon, name="favicon"),
    path("api/v1/health", HealthApi.as_view(), name="health"),
    path("metrics", views.prometheus_metrics, name="prometheus-metrics"),
    path("api/v1/", include("core.api.urls")),
    path("api/v1/", include("metrics.api.urls")),
    path("api/v1/", include("alerts.api.urls")),
    path("api/v1/", include("forecasting.api.urls")),
    path("api/v1/", include("scenarios.api.urls")),
    path("write", LineProtocolWriteApi.as_view(), name="influx-write-v1"),
    path("api/v2/write", LineProtocolWriteApi.as_view(), name="influx-write-v2"),
    path("", include("prom.urls")),
    path("", include("alerts.api.alertmanager_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # the split view serves its script as a file: no inline script (Content-Security-Policy)
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("", include("dashboards.urls")),
    path("alerts/", include("alerts.urls")),
    path("forecasts/", include("forecasting.urls")),
    path("scenarios/", include("scenarios.urls")),
]
handler500 = "core.views.server_error"  # a store down: 503 + Retry-After (core.outage)
