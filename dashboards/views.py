"""Dashboard pages: overview, hosts, host details, explore. Server-rendered; charts load
their points from the API and follow live updates (static/hydra/charts.js, live.js)."""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core.permissions import needs
from dashboards import selectors as ds
from dashboards.histograms import histogram_groups, histograms_in
from metrics import timerange
from metrics.counters import is_counter
from metrics.models import Series
from metrics.query.params import AGGS
from metrics.selectors import series_matching

FIRING_SHOWN = 10
GRID_CACHE_S = 5


def _filters(request) -> dict:
    status = request.GET.get("status", "")
    return {
        "q": request.GET.get("q", "").strip()[:100],
        "group": request.GET.get("group", "").strip()[:100],
        "status": status if status in ds.STATUS_FILTERS else "",
        "range": timerange.from_request(request),
    }


def _grid_context(filters: dict, *, sparklines: bool, firing: list[dict]) -> dict:
    cards = ds.host_cards(
        search=filters["q"], group_by=filters["group"], status=filters["status"], firing=firing
    )
    window = filters["range"]
    return {
        **filters,
        "groups": ds.group_hosts(cards),
        "host_count": len(cards),
        "spark_window": ds.attach_sparklines(cards, window) if sparklines else None,
        "spark_label": f"last {window.key}" if window.key != "custom" else "chosen range",
    }


def _grid_html(request, filters: dict, firing: list[dict]) -> str:
    """The overview's host grid, rendered once per ``GRID_CACHE_S`` for the same filters,
    range and alert statuses (so a status change shows at once; values, which the page
    updates live anyway, may be that much older)."""
    r = filters["range"]
    window = r.key if r.key != "custom" else f"{request.GET.get('start')}|{request.GET.get('end')}"
    worst = sorted(ds.worst_by_host(firing).items())
    key = [filters["q"], filters["group"], filters["status"], window, worst]
    key_hash = hashlib.sha1(json.dumps(key).encode(), usedforsecurity=False).hexdigest()
    html = cache.get(f"overview:grid:{key_hash}")
    if html is None:
        context = _grid_context(filters, sparklines=True, firing=firing)
        html = render_to_string("dashboards/partials/_host_grid.html", context)
        cache.set(f"overview:grid:{key_hash}", html, GRID_CACHE_S)
    return mark_safe(html)  # noqa: S308 (a rendered template)


def _panels(firing: list[dict]) -> dict:
    return {
        "firing": firing[:FIRING_SHOWN],
        "firing_count": len(firing),
        "anomalies": ds.recent_anomalies(),
    }


@needs(read="metrics.view_series")
def dashboard(request):
    """Overview: the host grid (searchable, filtered by status, grouped by a label, with
    sparklines over the chosen range), ingestion rate, firing alerts, recent anomalies
    (``?panel=side`` re-renders those) and running load tests."""
    firing = ds.firing_alerts()
    if request.htmx and request.GET.get("panel") == "side":
        return render(request, "dashboards/partials/_side_panels.html", _panels(firing))
    filters = _filters(request)
    grid = _grid_html(request, filters, firing)
    if request.htmx:
        return HttpResponse(grid)
    context = {**filters, **_panels(firing), "grid": grid}
    context["ingest_rate"] = ds.ingestion_rate()
    context["runs"] = ds.running_load_tests()
    return render(request, "dashboards/overview.html", context)


@needs(read="metrics.view_series")
def hosts(request):
    context = _grid_context(_filters(request), sparklines=False, firing=ds.firing_alerts())
    template = "dashboards/partials/_host_table.html" if request.htmx else "dashboards/hosts.html"
    return render(request, template, context)


@needs(read="metrics.view_series")
def host_detail(request, host: str):
    """Every series of the host as a chart (forecast bands and overlays drawn by charts.js)
    and its alerts (``?panel=alerts`` re-renders them when an alert of the host changes)."""
    if request.htmx and request.GET.get("panel") == "alerts":
        panel = {"host": host, "alerts": ds.host_alerts(host)}
        return render(request, "dashboards/partials/_host_alerts.html", panel)
    series = ds.host_series(host)
    if not series:
        raise Http404(f"No series for host {host!r}")
    histograms, series = histogram_groups(series)  # a histogram: one percentiles chart
    forecasts = ds.series_with_forecasts([s.pk for s in series])
    charts = [
        {
            "title": str(s),
            "query": json.dumps({"series": str(s.pk), "agg": "avg"}),
            "series": s,
            "type": "counter" if is_counter(s.type, s.name) else s.type,
            "forecast": s.pk in forecasts,
        }
        for s in series
    ]
    charts[:0] = [
        {"title": h["title"], "query": json.dumps({"series": h["ids"]}), "histogram": True}
        for h in histograms
    ]
    context: dict[str, object] = {
        "host": host,
        "charts": charts,
        "alerts": ds.host_alerts(host),
        "range": timerange.from_request(request),
    }
    return render(request, "dashboards/host_detail.html", context)


def _explore_query(request) -> dict:
    """Explore's query from the URL: ``name``, ``host``, ``agg``, ``step``, ``label.<k>``."""
    agg = request.GET.get("agg", "avg") if request.GET.get("agg") in AGGS else "avg"
    query = {
        "name": request.GET.get("name", "").strip(),
        "host": request.GET.get("host", "").strip(),
        "agg": agg,
        "step": request.GET.get("step", "").strip(),
    }
    return query | {k: v for k, v in request.GET.items() if k.startswith("label.") and len(k) > 6}


def _histogram_context(query: dict, labels: dict[str, str]) -> dict:
    """A selection of histograms' bucket series (the default aggregation) is charted as
    percentiles, its raw buckets a click away."""
    if query["agg"] != "avg":
        return {"histograms": 0}
    count = histograms_in(name=query["name"], host=query["host"], labels=labels)
    family = query["name"].removesuffix("_bucket")
    return {"histograms": count, "histogram_title": f"{family} p50 / p90 / p99"}


@needs(read="metrics.view_series")
def explore(request):
    """Any metric, filtered and aggregated; the URL holds the whole query (shareable)."""
    query = _explore_query(request)
    name, host = query["name"], query["host"]
    labels = {k[6:]: v for k, v in query.items() if k.startswith("label.")}
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
        **_histogram_context(query, labels),
    }
    return render(request, "dashboards/explore.html", context)


@needs(read="metrics.view_point")
def explore_promql(request):
    """A PromQL query charted over the range; the URL holds it (``?promql=…``). The page's
    script asks ``/prometheus/api/v1/query_range`` and completes metric and label names from
    the same API; errors are shown under the query."""
    context = {
        "promql": request.GET.get("promql", ""),
        "range": timerange.from_request(request),
    }
    return render(request, "dashboards/explore_promql.html", context)
