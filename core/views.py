from __future__ import annotations

import ipaddress
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView
from rest_framework.exceptions import AuthenticationFailed

from core.api.authentication import ApiTokenAuthentication
from core.middleware import wants_json
from core.outage import (
    DATABASE_ERRORS,
    REDIS_ERRORS,
    RETRY_AFTER_S,
    database_failed,
    is_database_down,
    redis_failed,
    unavailable_response,
)


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever the page links: send them to the icon."""
    return HttpResponseRedirect(static("hydra/favicon.svg"))


def _ip_allowed(request: HttpRequest) -> bool:
    try:
        addr = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        addr in ipaddress.ip_network(net, strict=False)
        for net in settings.HYDRA_METRICS_ALLOWED_IPS
    )


def _token_ok(request: HttpRequest) -> bool:
    try:
        return ApiTokenAuthentication().authenticate(request) is not None
    except AuthenticationFailed:
        return False


@login_not_required
@require_GET
def prometheus_metrics(request: HttpRequest) -> HttpResponse:
    """Hydra's own metrics in Prometheus text format: for an API token or an allowed address."""
    if not (_ip_allowed(request) or _token_ok(request) or request.user.is_authenticated):
        return HttpResponse(
            "Forbidden: send an API token or scrape from an allowed address\n",
            status=403,
            content_type="text/plain",
        )
    return ExportToDjangoView(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: an uncaught error anywhere in Django's stack (a middleware loading the
    session's user included). A store being down is a 503 with Retry-After, JSON for API
    clients and a short page otherwise; anything else a 500 without a traceback."""
    exc = sys.exc_info()[1]
    if exc is not None and isinstance(exc, REDIS_ERRORS):
        redis_failed("request", exc)
        return _unavailable(request, "cache (Redis)")
    if exc is not None and isinstance(exc, DATABASE_ERRORS) and is_database_down(exc):
        database_failed(exc)
        return _unavailable(request, "database")
    if wants_json(request):
        return JsonResponse(
            {"detail": "Internal error. The server log has the details."}, status=500
        )
    return HttpResponse(
        "<!doctype html><title>Server error</title><h1>Server error</h1>", status=500
    )


def _unavailable(request: HttpRequest, what: str) -> HttpResponse:
    if wants_json(request):
        return unavailable_response(what)
    page = f"<!doctype html><title>Unavailable</title><h1>The {what} is unavailable</h1>"
    page += "<p>Hydra will answer again when it is back; retry in a few seconds.</p>"
    return HttpResponse(page, status=503, headers={"Retry-After": str(RETRY_AFTER_S)})
