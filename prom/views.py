"""The Targets page (like Prometheus's ``/targets``): every target's state, polled live."""

from __future__ import annotations

from django.shortcuts import render

from core.permissions import needs
from prom.selectors import targets_by_job

POLL_S = 5


@needs(read="prom.view_scrapetarget")
def targets(request):
    context = {"jobs": targets_by_job(), "poll_s": POLL_S}
    if request.htmx:
        return render(request, "prom/partials/_targets_table.html", context)
    return render(request, "prom/targets.html", context)
