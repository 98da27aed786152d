from django.urls import path
from rest_framework.routers import SimpleRouter

from metrics.api import views

router = SimpleRouter()
router.register("series", views.SeriesViewSet, basename="series")

urlpatterns = [
    path("metrics/", views.MetricsApi.as_view(), name="metrics-api"),
    path("analytics/trends", views.TrendsApi.as_view(), name="trends-api"),
    *router.urls,
]
