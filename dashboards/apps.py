from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    """The overview and host pages, explore, saved dashboards: composition of the other apps."""

    name = "dashboards"
