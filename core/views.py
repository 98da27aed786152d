from __future__ import annotations

import ipaddress

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView
from rest_framework.exceptions import AuthenticationFailed

from core.api.authentication import ApiTokenAuthentication


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
