from django.urls import path
from rest_framework.routers import SimpleRouter

from alerts.api import views

router = SimpleRouter()
router.register("alerts", views.AlertViewSet, basename="alert")
router.register("alert-rules", views.AlertRuleViewSet, basename="alert-rule")
router.register("silences", views.SilenceViewSet, basename="silence")
router.register("anomalies", views.AnomalyViewSet, basename="anomaly")

urlpatterns = [
    path("alert-rules/backtest", views.AlertRuleBacktestApi.as_view(), name="alert-rule-backtest"),
    path(
        "alerts/<int:pk>/acknowledge", views.AlertAcknowledgeApi.as_view(), name="alert-acknowledge"
    ),
    path("anomalies/<int:pk>/dismiss", views.AnomalyDismissApi.as_view(), name="anomaly-dismiss"),
    *router.urls,
]
