from django.urls import path

from dashboards import saved_views, views
from dashboards.api import HistogramQuantilesApi

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard/", views.dashboard, name="dashboard-alias"),
    path("hosts/", views.hosts, name="hosts"),
    path("hosts/<str:host>/", views.host_detail, name="host-detail"),
    path("explore/", views.explore, name="explore"),
    path("explore/promql/", views.explore_promql, name="explore-promql"),
    path(
        "api/v1/histogram-quantiles/", HistogramQuantilesApi.as_view(), name="histogram-quantiles"
    ),
    path("dashboards/", saved_views.dashboards, name="dashboards"),
    path("dashboards/import/", saved_views.dashboard_import, name="dashboard-import"),
    path("dashboards/<int:pk>/", saved_views.dashboard_view, name="dashboard-view"),
    path("dashboards/<int:pk>/edit/", saved_views.dashboard_edit, name="dashboard-edit"),
    path("dashboards/<int:pk>/export/", saved_views.dashboard_export, name="dashboard-export"),
    path(
        "dashboards/<int:pk>/settings/", saved_views.dashboard_settings, name="dashboard-settings"
    ),
    path("dashboards/<int:pk>/add-panel/", saved_views.panel_add, name="dashboard-add-panel"),
    path(
        "dashboards/<int:pk>/update-panel/", saved_views.panel_update, name="dashboard-update-panel"
    ),
    path("dashboards/<int:pk>/move/", saved_views.panel_move, name="dashboard-move-panel"),
    path("dashboards/<int:pk>/remove/", saved_views.panel_remove, name="dashboard-remove-panel"),
    path("dashboards/<int:pk>/delete/", saved_views.dashboard_delete, name="dashboard-delete"),
]
