from django.urls import path

from alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.index, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/silence/", views.silence, name="silence"),
    path("anomalies/", views.anomalies, name="anomalies"),
    path(
        "anomalies/<int:pk>/dismiss/",
        views.anomaly_feedback,
        {"dismissed": True},
        name="anomaly-dismiss",
    ),
    path(
        "anomalies/<int:pk>/undo/",
        views.anomaly_feedback,
        {"dismissed": False},
        name="anomaly-undo",
    ),
]
