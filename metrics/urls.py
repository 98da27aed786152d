from django.urls import path

from metrics import dashboard_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard/", views.dashboard, name="dashboard-alias"),
    path("hosts/", views.hosts, name="hosts"),
    path("hosts/<str:host>/", views.host_detail, name="host-detail"),
    path("explore/", views.explore, name="explore"),
    path("dashboards/", dashboard_views.dashboards, name="dashboards"),
    path("dashboards/import/", dashboard_views.dashboard_import, name="dashboard-import"),
    path("dashboards/<int:pk>/", dashboard_views.dashboard_view, name="dashboard-view"),
    path("dashboards/<int:pk>/edit/", dashboard_views.dashboard_edit, name="dashboard-edit"),
    path("dashboards/<int:pk>/export/", dashboard_views.dashboard_export, name="dashboard-export"),
    path(
        "dashboards/<int:pk>/<slug:action>/",
        dashboard_views.dashboard_action,
        name="dashboard-action",
    ),
]
