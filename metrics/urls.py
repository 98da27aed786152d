from django.urls import path

from metrics import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard/", views.dashboard, name="dashboard-alias"),
    path("hosts/", views.hosts, name="hosts"),
    path("explore/", views.explore, name="explore"),
    path("dashboards/", views.dashboards, name="dashboards"),
]
