from django.urls import path
from rest_framework.routers import SimpleRouter

from scenarios.api import views

router = SimpleRouter()
router.register("scenarios", views.ScenarioViewSet, basename="scenario")
router.register("runs", views.RunViewSet, basename="run")
router.register("training/sessions", views.TrainingSessionViewSet, basename="training-session")

urlpatterns = [
    path("scenarios/generate", views.ScenarioGenerateApi.as_view(), name="scenario-generate"),
    path("scenarios/<int:pk>/run", views.ScenarioRunApi.as_view(), name="scenario-run"),
    path("runs/<int:pk>/stop", views.RunStopApi.as_view(), name="run-stop"),
    path("training/start", views.TrainingStartApi.as_view(), name="training-start"),
    path("training/stop", views.TrainingStopApi.as_view(), name="training-stop"),
    path("training/status", views.TrainingStatusApi.as_view(), name="training-status"),
    *router.urls,
]
