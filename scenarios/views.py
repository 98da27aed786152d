"""Scenario pages: list (scenarios, generator, runs, training), scenario form and detail,
the live run view, run comparison, and training. Writes go through the services."""

from __future__ import annotations

from urllib.parse import urljoin

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from core.permissions import needs
from scenarios import selectors, services
from scenarios.filters import ScenarioFilter
from scenarios.forms import CompareForm, GenerateForm, ScenarioForm, TrainingForm
from scenarios.models import Scenario, ScenarioRun

RUNS_SHOWN = 20


@needs(read="scenarios.view_scenario")
def index(request):
    scenarios = ScenarioFilter(request.GET, queryset=selectors.scenario_list())
    page = Paginator(scenarios.qs, 25).get_page(request.GET.get("page"))
    context = {
        "filter": scenarios,
        "page": page,
        "generate_form": GenerateForm(
            initial={"target_url": _default_target(request)}, auto_id="gen_%s"
        ),
        "recent_problems": selectors.recent_generated(),
        "runs": selectors.run_list()[:RUNS_SHOWN],
        **_training_context(request),
    }
    return render(request, "scenarios/list.html", context)


def _default_target(request) -> str:
    return settings.HYDRA_SCENARIO_DEFAULT_TARGET


def _training_context(request, form: TrainingForm | None = None) -> dict:
    # the README's example: the demo target's /capacity (fast up to 300 req/s)
    initial = {"target_url": urljoin(_default_target(request), "/capacity")}
    return {
        "training": selectors.training_current(),
        "training_form": form or TrainingForm(initial=initial, auto_id="train_%s"),
    }


@needs(read="scenarios.add_scenario", write="scenarios.add_scenario")
def create(request):
    initial = {"executor": "constant-vus", "url": _default_target(request)}  # the demo target
    form = ScenarioForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = services.scenario_create(
                name=form.cleaned_data["name"], spec=form.spec(), user=request.user, **form.extra()
            )
        except services.SafetyError as exc:
            form.add_engine_error(str(exc), exc.field)
        else:
            messages.success(request, f"Scenario “{scenario.name}” created.")
            return redirect("scenarios:detail", pk=scenario.pk)
    return render(request, "scenarios/form.html", {"form": form, "scenario": None})


@needs(read="scenarios.change_scenario", write="scenarios.change_scenario")
def edit(request, pk: int):
    scenario = get_object_or_404(Scenario, pk=pk)
    form = ScenarioForm(request.POST or None, initial=ScenarioForm.initial_for(scenario))
    if request.method == "POST" and form.is_valid():
        try:
            services.scenario_update(
                scenario=scenario, name=form.cleaned_data["name"], spec=form.spec(), **form.extra()
            )
        except services.SafetyError as exc:
            form.add_engine_error(str(exc), exc.field)
        else:
            messages.success(request, "Scenario saved.")
            return redirect("scenarios:detail", pk=scenario.pk)
    return render(request, "scenarios/form.html", {"form": form, "scenario": scenario})


@needs(read="scenarios.view_scenario")
def detail(request, pk: int):
    scenario = get_object_or_404(Scenario, pk=pk)
    runs = scenario.runs.select_related("created_by")[:RUNS_SHOWN]
    return render(request, "scenarios/detail.html", {"scenario": scenario, "runs": runs})


@needs(write="scenarios.add_scenario")
def generate(request):
    form = GenerateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            scenario = services.scenario_generate(
                kind=data["type"] or None, difficulty=data["difficulty"],
                target_url=data["target_url"], user=request.user,
            )  # fmt: skip
        except services.SafetyError as exc:
            messages.error(request, f"Not generated: {exc}")
        else:
            messages.success(request, f"Generated “{scenario.name}”.")
            return redirect("scenarios:detail", pk=scenario.pk)
    else:
        messages.error(request, f"Not generated: {_errors(form)}")
    return redirect("scenarios:list")


def _errors(form) -> str:
    return "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())


@needs(write="scenarios.run_scenario")
def run(request, pk: int):
    scenario = get_object_or_404(Scenario, pk=pk)
    try:
        new_run = services.run_request(scenario=scenario, user=request.user)
    except services.SafetyError as exc:
        messages.error(request, f"Not started: {exc}")
        return redirect("scenarios:detail", pk=scenario.pk)
    return redirect("scenarios:run", pk=new_run.pk)


@needs(read="scenarios.view_scenariorun")
def run_detail(request, pk: int):
    run_row = get_object_or_404(ScenarioRun.objects.select_related("scenario"), pk=pk)
    if request.htmx:
        context = {"run": run_row, "oob": True}  # the big numbers and badges follow the summary
        return render(request, "scenarios/partials/_run_summary.html", context)
    context = {
        "run": run_row,
        "series": selectors.run_series(run_row),
        "host_series": selectors.host_series(run_row.monitored_host),
        "compare_form": CompareForm(initial={"a": run_row.pk}),
    }
    return render(request, "scenarios/run.html", context)


@needs(write="scenarios.run_scenario")
def run_stop(request, pk: int):
    run_row = get_object_or_404(ScenarioRun, pk=pk)
    if run_row.active:
        services.run_cancel(run=run_row)
        messages.info(request, "Stopping the run…")
    return redirect("scenarios:run", pk=run_row.pk)


@needs(read="scenarios.view_scenariorun")
def compare(request):
    form = CompareForm(request.GET or None)
    first = second = None
    if form.is_valid():
        first, second = selectors.run_pair(form.cleaned_data["a"], form.cleaned_data["b"])
        if first is None or second is None:
            form.add_error(None, "Both runs must exist.")
    context = {"form": form, "first": first, "second": second}
    return render(request, "scenarios/compare.html", context)


@needs(read="scenarios.view_trainingsession")
def training(request):
    history = selectors.training_history()
    context = {
        **_training_context(request),
        "history": history,
        "capacity_points": selectors.capacity_points(history),
    }
    return render(request, "scenarios/training.html", context)


@needs(write="scenarios.run_training")
def training_start(request):
    form = TrainingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.training_start(
                target_url=data["target_url"], slo=form.slo(), max_rps=data["max_rps"],
                step_duration=data["step_duration"], label=data["label"], user=request.user,
            )  # fmt: skip
        except (services.SafetyError, services.TrainingBusy) as exc:
            messages.error(request, f"Not started: {exc}")
        else:
            messages.success(request, "Training started.")
    else:
        messages.error(request, f"Not started: {_errors(form)}")
    return redirect("scenarios:training")


@needs(write="scenarios.run_training")
def training_stop(request):
    stopped = services.training_stop()
    messages.info(request, "Stopping training…" if stopped else "No training is running.")
    return redirect("scenarios:training")
