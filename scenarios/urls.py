from django.urls import path

from scenarios import views

app_name = "scenarios"
urlpatterns = [
    path("", views.index, name="list"),
    path("new/", views.create, name="create"),
    path("generate/", views.generate, name="generate"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/run/", views.run, name="run-start"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/stop/", views.run_stop, name="run-stop"),
    path("runs/compare/", views.compare, name="compare"),
    path("training/", views.training, name="training"),
    path("training/start/", views.training_start, name="training-start"),
    path("training/stop/", views.training_stop, name="training-stop"),
]
