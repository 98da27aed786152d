"""Dashboard pages: overview, hosts, host details, explore. Server-rendered; charts load
their points from the API and follow live updates (static/hydra/charts.js, live.js)."""

from __future__ import annotations

import json

from django.http import Http404
from django.shortcuts import render

from metrics import dashboard_selectors as ds
from metrics import timerange
from metrics.models import Series
from metrics.query.params import AGGS
from metrics.selectors import series_matching

FIRING_SHOWN = 10


def _grid_context(request, *, sparklines: bool, firing: list[dict]) -> dict:
    search = request.GET.get("q", "").strip()[:100]
    group_by = request.GET.get("group", "").strip()[:100]
    status = request.GET.get("status", "")
    status = status if status in ds.STATUS_FILTERS else ""
    cards = ds.host_cards(search=search, group_by=group_by, status=status, firing=firing)
    window = timerange.from_request(request)
    spark_window = ds.attach_sparklines(cards, window) if sparklines else None
    return {
        "groups": ds.group_hosts(cards),
        "host_count": len(cards),
        "q": search,
        "group": group_by,
        "status": status,
        "range": window,
        "spark_window": spark_window,
        "spark_label": f"last {window.key}" if window.key != "custom" else "chosen range",
    }


def _panels(firing: list[dict]) -> dict:
    return {
        "firing": firing[:FIRING_SHOWN],
        "firing_count": len(firing),
        "anomalies": ds.recent_anomalies(),
    }


def dashboard(request):
    """Overview: the host grid (searchable, filtered by status, grouped by a label, with
    sparklines over the chosen range), ingestion rate, firing alerts, recent anomalies
    (``?panel=side`` re-renders those) and running load tests."""
    firing = ds.firing_alerts()
    if request.htmx and request.GET.get("panel") == "side":
        return render(request, "metrics/partials/_side_panels.html", _panels(firing))
    context = _grid_context(request, sparklines=True, firing=firing)
    if request.htmx:
        return render(request, "metrics/partials/_host_grid.html", context)
    context.update(_panels(firing))
    context["ingest_rate"] = ds.ingestion_rate()
    context["runs"] = ds.running_load_tests()
    return render(request, "metrics/overview.html", context)


def hosts(request):
    context = _grid_context(request, sparklines=False, firing=ds.firing_alerts())
    template = "metrics/partials/_host_table.html" if request.htmx else "metrics/hosts.html"
    return render(request, template, context)


def host_detail(request, host: str):
    """Every series of the host as a chart (forecast bands and overlays drawn by charts.js)
    and its alerts (``?panel=alerts`` re-renders them when an alert of the host changes)."""
    if request.htmx and request.GET.get("panel") == "alerts":
        panel = {"host": host, "alerts": ds.host_alerts(host)}
        return render(request, "metrics/partials/_host_alerts.html", panel)
    series = ds.host_series(host)
    if not series:
        raise Http404(f"No series for host {host!r}")
    forecasts = ds.series_with_forecasts([s.pk for s in series])
    charts = [
        {
            "title": str(s),
            "query": json.dumps({"series": str(s.pk), "agg": "avg"}),
            "series": s,
            "forecast": s.pk in forecasts,
        }
        for s in series
    ]
    context: dict[str, object] = {
        "host": host,
        "charts": charts,
        "alerts": ds.host_alerts(host),
        "range": timerange.from_request(request),
    }
    return render(request, "metrics/host_detail.html", context)


def explore(request):
    """Any metric, filtered and aggregated; the URL holds the whole query (shareable)."""
    name = request.GET.get("name", "").strip()
    host = request.GET.get("host", "").strip()
    labels = {k[6:]: v for k, v in request.GET.items() if k.startswith("label.") and len(k) > 6}
    agg = request.GET.get("agg", "avg") if request.GET.get("agg") in AGGS else "avg"
    step = request.GET.get("step", "").strip()
    query = {"name": name, "host": host, "agg": agg, "step": step}
    query.update({f"label.{k}": v for k, v in labels.items()})
    matching = series_matching(name=name, host=host or None, labels=labels) if name else None
    matched = matching.count() if matching is not None else 0
    with_forecast = (
        ds.series_with_forecasts(list(matching.values_list("pk", flat=True)[:5]))
        if matching is not None
        else set()
    )
    context = {
        "names": Series.objects.order_by("name").values_list("name", flat=True).distinct()[:2000],
        "query": query,
        "query_json": json.dumps({k: v for k, v in query.items() if v}),
        "labels": labels,
        "aggs": AGGS,
        "matched": matched,
        "range": timerange.from_request(request),
        "csv_params": request.GET.urlencode(),
        "forecast_ids": ",".join(map(str, sorted(with_forecast))),
    }
    return render(request, "metrics/explore.html", context)
