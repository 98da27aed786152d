from django.conf import settings
from django.urls import reverse

from metrics.timerange import CHOICES as RANGE_CHOICES

NAV = [
    ("dashboard", "Dashboard"),
    ("hosts", "Hosts"),
    ("explore", "Explore"),
    ("alerts:list", "Alerts"),
    ("forecasting:list", "Forecasts"),
    ("scenarios:list", "Scenarios"),
    ("dashboards", "Dashboards"),
]


def _is_current(path: str, href: str) -> bool:
    return path == href or (href != "/" and path.startswith(href))


def hydra(request) -> dict:
    """The navigation (with the current entry marked) and the mode, for every page."""
    nav = []
    for name, label in NAV:
        href = reverse(name)
        nav.append({"href": href, "label": label, "current": _is_current(request.path, href)})
    return {"hydra_nav": nav, "hydra_mode": settings.HYDRA_MODE, "range_choices": RANGE_CHOICES}
