from django.conf import settings
from django.urls import reverse

from core.roles import role_of
from metrics.timerange import CHOICES as RANGE_CHOICES

NAV = [  # (URL name, label, the permission its page needs)
    ("dashboard", "Dashboard", "metrics.view_series"),
    ("hosts", "Hosts", "metrics.view_series"),
    ("explore", "Explore", "metrics.view_series"),
    ("alerts:list", "Alerts", "alerts.view_alert"),
    ("forecasting:list", "Forecasts", "forecasting.view_forecast"),
    ("scenarios:list", "Scenarios", "scenarios.view_scenario"),
    ("dashboards", "Dashboards", "dashboards.view_dashboard"),
    ("targets", "Targets", "prom.view_scrapetarget"),
]


def _is_current(path: str, href: str) -> bool:
    return path == href or (href != "/" and path.startswith(href))


def hydra(request) -> dict:
    """The navigation (the pages the user's role may see, the current one marked), the
    user's role and the mode, for every page."""
    nav = []
    for name, label, permission in NAV:
        if not request.user.has_perm(permission):
            continue
        href = reverse(name)
        nav.append({"href": href, "label": label, "current": _is_current(request.path, href)})
    return {
        "hydra_nav": nav,
        "hydra_role": lambda: role_of(request.user),  # a query, for the pages that show it
        "hydra_mode": settings.HYDRA_MODE,
        "range_choices": RANGE_CHOICES,
    }
