"""The alerts page: filter, acknowledge and silence without reloading, each alert's history;
recent anomalies with "not an anomaly" feedback (and its undo)."""

from __future__ import annotations

import json
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from alerts.models import Alert, Anomaly, Silence
from alerts.routing_view import alert_routing
from alerts.selectors import alerts_list, anomalies_list, series_sensitivities
from alerts.sensitivity import FEEDBACK_STEP, Sensitivity
from alerts.services.detection import anomaly_dismiss
from alerts.services.rules import alert_acknowledge, silence_save
from core.permissions import needs

STATES = ("firing", "pending", "resolved", "acknowledged", "all")
SILENCE_HOURS = (1, 4, 24)
ANOMALY_SHOW = {"all": None, "open": False, "dismissed": True}
ANOMALY_PAGE, ANOMALY_RECENT = 100, 10


def _filtered(request):
    state = request.GET.get("state", "firing")
    state = state if state in STATES else "firing"
    qs = alerts_list(state=state).order_by("-since")
    if q := request.GET.get("q", "").strip()[:100]:
        qs = qs.filter(rule__name__icontains=q) | qs.filter(series__host__icontains=q)
    return state, q, qs[:500]


@needs(read="alerts.view_alert")
def index(request):
    state, q, alerts = _filtered(request)
    context = {
        "alerts": alerts,
        "state": state,
        "q": q,
        "states": STATES,
        "inline": True,
    }
    if request.htmx:
        return render(request, "alerts/partials/_table.html", context)
    context["anomaly_rows"] = anomaly_rows(anomalies_list()[:ANOMALY_RECENT])
    return render(request, "alerts/list.html", context)


@needs(read="alerts.view_alert")
def detail(request, pk: int):
    alert = get_object_or_404(
        Alert.objects.select_related("rule", "series", "acknowledged_by"), pk=pk
    )
    since = alert.pending_since or alert.since
    start = since - timedelta(hours=1)
    query = json.dumps({"series": str(alert.series_id), "agg": "avg"})
    context = {
        "alert": alert,
        "events": alert.events.order_by("-at")[:200],
        "query": query,
        "range_seconds": int((timezone.now() - start).total_seconds()),
        "inline": True,
        "anomaly_rows": anomaly_rows(anomalies_list(series_id=alert.series_id)[:ANOMALY_RECENT]),
        "routing": alert_routing(alert.labels, alert.fingerprint),
    }
    return render(request, "alerts/detail.html", context)


def _row(request, alert: Alert):
    alert.refresh_from_db()
    return render(request, "alerts/partials/_row.html", {"alert": alert, "inline": True})


@needs(write="alerts.acknowledge_alert")
def acknowledge(request, pk: int):
    alert = get_object_or_404(Alert.objects.select_related("rule"), pk=pk)
    alert_acknowledge(alert=alert, user=request.user)
    return _row(request, alert)


@needs(write="alerts.add_silence")
def silence(request, pk: int):
    """Silence this alert's rule on its host for 1, 4 or 24 hours."""
    alert = get_object_or_404(Alert.objects.select_related("rule", "series"), pk=pk)
    try:
        hours = int(request.POST.get("hours", ""))
    except ValueError:
        hours = 0
    if hours not in SILENCE_HOURS:
        return HttpResponseBadRequest(f"hours must be one of {SILENCE_HOURS}")
    now = timezone.now()
    matchers = [{"label": "rule", "op": "=", "value": alert.rule.name}]
    if alert.series.host:
        matchers.append({"label": "host", "op": "=", "value": alert.series.host})
    item = Silence(
        matchers=matchers,
        starts_at=now,
        ends_at=now + timedelta(hours=hours),
        comment=f"silenced from the alerts page for {hours} h",
    )
    try:
        item.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        return HttpResponseBadRequest("; ".join(exc.messages))
    silence_save(silence=item, user=request.user)
    return _row(request, alert)


def anomaly_rows(anomalies) -> list[tuple[Anomaly, Sensitivity]]:
    """(anomaly, its series' sensitivity) pairs for the anomaly rows: two more queries."""
    anomalies = list(anomalies)
    sensitivity = series_sensitivities(
        series=list({a.series_id: a.series for a in anomalies}.values())
    )
    return [(a, sensitivity[a.series_id]) for a in anomalies]


@needs(read="alerts.view_anomaly")
def anomalies(request):
    """Recent anomalies, ``?show=all|open|dismissed`` and ``?series=<id>``."""
    show = request.GET.get("show", "all")
    show = show if show in ANOMALY_SHOW else "all"
    series = request.GET.get("series", "")
    series_id = int(series) if series.isdigit() else None
    qs = anomalies_list(series_id=series_id, dismissed=ANOMALY_SHOW[show])
    context = {"anomaly_rows": anomaly_rows(qs[:ANOMALY_PAGE]), "show": show, "series": series_id}
    context |= {"shows": list(ANOMALY_SHOW), "step": FEEDBACK_STEP}
    template = "alerts/partials/_anomaly_table.html" if request.htmx else "alerts/anomalies.html"
    return render(request, template, context)


@needs(write="alerts.change_anomaly")
def anomaly_feedback(request, pk: int, dismissed: bool):
    """ "Not an anomaly" (or its undo): the updated row, and the series' new sensitivity
    swapped into its other rows out of band."""
    anomaly = get_object_or_404(Anomaly.objects.select_related("series"), pk=pk)
    anomaly_dismiss(anomaly=anomaly, user=request.user, dismissed=dismissed)
    [(anomaly, sensitivity)] = anomaly_rows([anomaly])
    context = {"anomaly": anomaly, "sensitivity": sensitivity, "oob": True}
    return render(request, "alerts/partials/_anomaly_row.html", context)
