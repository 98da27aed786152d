import django_prometheus.middleware
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import JsonResponse


def wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith("/api/") or ("json" in accept and "html" not in accept)


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs login (Django's middleware); API-style clients get 401 JSON instead
    of a redirect to an HTML login page."""

    def handle_no_permission(self, request, view_func):
        if wants_json(request):
            return JsonResponse(
                {"detail": "Authentication credentials were not provided."},
                status=401,
                headers={"WWW-Authenticate": 'Token realm="hydra"'},
            )
        return super().handle_no_permission(request, view_func)


class PrometheusAfterMiddleware(django_prometheus.middleware.PrometheusAfterMiddleware):
    """django-prometheus's, with every label bounded: a request with an invented method is
    counted as ``method="other"`` (the stock middleware labels latency by the raw method,
    so each new spelling grew ``/metrics`` and the process's memory for good)."""

    def label_metric(self, metric, request, response=None, **labels):
        if "method" in labels:
            labels["method"] = bounded_method(labels["method"])
        if "status" in labels:
            labels["status"] = bounded_status(labels["status"])
        return metric.labels(**labels) if labels else metric


HTTP_METHODS = frozenset(
    ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT")
)


def bounded_method(method: object) -> str:
    return method if isinstance(method, str) and method in HTTP_METHODS else "other"


def bounded_status(status: object) -> str:
    text = str(status)
    return text if text.isdigit() and 100 <= int(text) <= 599 else "other"
