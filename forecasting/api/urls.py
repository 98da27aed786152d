from django.urls import path
from rest_framework.routers import SimpleRouter

from forecasting.api import views

router = SimpleRouter()
router.register("forecast-configs", views.ForecastConfigViewSet, basename="forecast-config")

urlpatterns = [
    path("predictions/", views.PredictionApi.as_view(), name="predictions"),
    path("predictions/run", views.PredictionRunApi.as_view(), name="prediction-run"),
    *router.urls,
]
