"""Saved dashboards: list, create, view (variables, range), edit panels, export/import."""

from __future__ import annotations

import json
from functools import wraps

from django.contrib import messages
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from rest_framework.exceptions import ValidationError

from core.permissions import needs
from dashboards import selectors as ds
from dashboards import services as svc
from dashboards.definition import fill, parse_label_values, substitute
from dashboards.forms import DashboardForm, ImportForm, PanelForm
from dashboards.histograms import histograms_in
from metrics import timerange
from prom.promql import PromQLError
from prom.promql.params import parse_selector
from prom.selectors import ALL, label_values

MAX_IMPORT_BYTES = 1_000_000


def _visible(request, pk: int):
    return get_object_or_404(ds.dashboards_visible(user=request.user), pk=pk)


def _editable(request, pk: int):
    dashboard = _visible(request, pk)
    if not ds.can_edit(dashboard, request.user):
        raise PermissionError
    return dashboard


@needs(read="dashboards.view_dashboard", write="dashboards.add_dashboard")
def dashboards(request):
    if request.method == "POST":
        form = DashboardForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            definition = {"range": d["range"], "variables": d["variables"], "panels": []}
            dashboard = svc.dashboard_create(
                owner=request.user, title=d["title"], shared=d["shared"], definition=definition
            )
            return redirect("dashboard-edit", pk=dashboard.pk)
    else:
        form = DashboardForm()
    context = {
        "dashboards": ds.dashboards_visible(user=request.user),
        "form": form,
        "import_form": ImportForm(),
    }
    return render(request, "dashboards/dashboards.html", context)


def _panel(panel: dict, values: dict[str, str]) -> dict:
    """A panel as its page draws it: the query with the variables' values; a metric query
    selecting histograms' bucket series (the default aggregation, not a heatmap) is drawn
    as percentiles (``histograms``: how many)."""
    query = substitute(panel["query"], values)
    params = {k: v for k, v in query.items() if k != "labels" and v}
    params.update({f"label.{k}": v for k, v in query.get("labels", {}).items()})
    title = fill(panel.get("title", ""), values)  # "CPU of $host" → "CPU of web-1"
    promql = fill(query.get("promql", ""), values)
    histograms = 0
    if not promql and panel.get("chart") != "heatmap" and query.get("agg", "avg") == "avg":
        histograms = histograms_in(
            name=query.get("name", ""), host=query.get("host", ""), labels=query.get("labels")
        )
    query_shown = {"name": "", **panel["query"]}  # PromQL panels have no name
    return {**panel, "query": query_shown, "title": title or promql} | {
        "query_json": json.dumps(params),
        "promql": promql,
        "histograms": histograms,
    }


@needs(read="dashboards.view_dashboard")
def dashboard_view(request, pk: int):
    dashboard = _visible(request, pk)
    definition = dashboard.definition
    values = {
        v["name"]: request.GET.get(f"var-{v['name']}", v["default"])
        for v in definition.get("variables", [])
    }
    context = {
        "dashboard": dashboard,
        "panels": [_panel(panel, values) for panel in definition.get("panels", [])],
        "values": values,
        "options": variable_options(definition.get("variables", [])),
        "hosts": ds.host_names() if "host" in values else [],
        "range": timerange.from_request(request, default=definition.get("range", "1h")),
        "editable": ds.can_edit(dashboard, request.user),
    }
    return render(request, "dashboards/dashboard_view.html", context)


def variable_options(variables: list[dict]) -> dict[str, list[str]]:
    """The choices of each variable with a ``label_values(...)`` query (bad ones: none)."""
    out = {}
    for variable in variables:
        parsed = parse_label_values(variable.get("query", ""))
        if parsed is None:
            continue
        try:
            chosen = [parse_selector(parsed[0])] if parsed[0] else ALL
            out[variable["name"]] = label_values(name=parsed[1], selectors=chosen)[:1000]
        except PromQLError:
            out[variable["name"]] = []
    return out


@needs(read="dashboards.change_dashboard")
def dashboard_edit(request, pk: int):
    try:
        dashboard = _editable(request, pk)
    except PermissionError:
        return HttpResponseForbidden("Only the owner or an admin can edit this dashboard.")
    definition = dashboard.definition
    settings_form = DashboardForm(
        initial={
            "title": dashboard.title,
            "shared": dashboard.shared,
            "range": definition.get("range", "1h"),
            "variables": ", ".join(
                f"{v['name']}={v['default']}" for v in definition.get("variables", [])
            ),
        }
    )
    panels = definition.get("panels", [])
    context = {
        "dashboard": dashboard,
        "settings_form": settings_form,
        "panel_form": PanelForm(),
        "panels": [
            {**p, "form": PanelForm(initial=PanelForm.initial_for(p), prefix=f"p{i}")}
            for i, p in enumerate(panels)
        ],
    }
    return render(request, "dashboards/dashboard_edit.html", context)


def _edit_action(permission: str = "dashboards.change_dashboard"):
    """A POST-only edit of a dashboard the user may edit (``permission`` and ownership, see
    ``selectors.can_edit``): 403 otherwise; a refused edit is reported on the edit page."""

    def decorator(action):
        @needs(write=permission)
        @wraps(action)
        def view(request, pk: int):
            try:
                dashboard = _editable(request, pk)
            except PermissionError:
                return HttpResponseForbidden("Only the owner or an admin can edit this dashboard.")
            try:
                return action(request, dashboard)
            except ValidationError as exc:
                messages.error(request, f"Not saved: {exc.detail}")
                return redirect("dashboard-edit", pk=dashboard.pk)

        return view

    return decorator


@_edit_action()
def dashboard_settings(request, dashboard):
    form = DashboardForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not saved: {form.errors.as_text()}")
        return redirect("dashboard-edit", pk=dashboard.pk)
    d = form.cleaned_data
    definition = {**dashboard.definition, "range": d["range"], "variables": d["variables"]}
    svc.dashboard_update(
        dashboard=dashboard, definition=definition, title=d["title"], shared=d["shared"]
    )
    messages.success(request, "Saved.")
    return redirect("dashboard-edit", pk=dashboard.pk)


@_edit_action()
def panel_add(request, dashboard):
    form = PanelForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Panel not added: {form.errors.as_text()}")
    else:
        svc.panel_add(dashboard=dashboard, panel=form.panel())
    return redirect("dashboard-edit", pk=dashboard.pk)


@_edit_action()
def panel_update(request, dashboard):
    index = _index(request)
    form = PanelForm(request.POST, prefix=f"p{index}")
    if not form.is_valid():
        messages.error(request, f"Panel {index + 1} not changed: {form.errors.as_text()}")
    else:
        svc.panel_update(dashboard=dashboard, index=index, panel=form.panel())
        messages.success(request, f"Panel {index + 1} saved.")
    return redirect("dashboard-edit", pk=dashboard.pk)


def _index(request) -> int:
    try:
        return int(request.POST.get("index", ""))
    except ValueError:
        raise ValidationError({"index": "must be a panel number"}) from None


@_edit_action()
def panel_move(request, dashboard):
    svc.panel_move(
        dashboard=dashboard,
        index=_index(request),
        delta=-1 if request.POST.get("dir") == "up" else 1,
    )
    return redirect("dashboard-edit", pk=dashboard.pk)


@_edit_action()
def panel_remove(request, dashboard):
    svc.panel_remove(dashboard=dashboard, index=_index(request))
    return redirect("dashboard-edit", pk=dashboard.pk)


@_edit_action("dashboards.delete_dashboard")
def dashboard_delete(request, dashboard):
    svc.dashboard_delete(dashboard=dashboard)
    messages.success(request, f"Deleted {dashboard.title!r}.")
    return redirect("dashboards")


@needs(read="dashboards.view_dashboard")
def dashboard_export(request, pk: int):
    dashboard = _visible(request, pk)
    response = JsonResponse(svc.dashboard_export(dashboard), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="hydra-dashboard-{dashboard.pk}.json"'
    return response


@needs(write="dashboards.add_dashboard")
def dashboard_import(request):
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a JSON file to import.")
        return redirect("dashboards")
    upload = form.cleaned_data["file"]
    try:
        if upload.size > MAX_IMPORT_BYTES:
            raise ValueError("file is over 1 MB")
        dashboard = svc.dashboard_import(owner=request.user, data=json.loads(upload.read()))
    except (ValueError, ValidationError) as exc:
        detail = exc.detail if isinstance(exc, ValidationError) else exc
        messages.error(request, f"Not imported: {detail}")
        return redirect("dashboards")
    messages.success(request, f"Imported {dashboard.title!r}.")
    return redirect("dashboard-view", pk=dashboard.pk)
