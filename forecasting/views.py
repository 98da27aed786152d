"""Forecast pages: the list (one row per forecast series, "forecast now") and a series'
forecast (history + band from the API, backtest, time to breach), updated live."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from core.permissions import needs
from forecasting import selectors, services
from forecasting.forms import BreachForm
from metrics.models import Series


@needs(read="forecasting.view_forecast")
def index(request):
    return render(request, "forecasting/list.html", {"forecasts": selectors.forecast_list()})


def _breach(request, forecast) -> dict:
    form = BreachForm(request.GET or None)
    if forecast is None or not form.is_valid():
        return {"form": form}
    data = form.cleaned_data
    when = services.forecast_time_to_breach(
        forecast=forecast,
        threshold=data["threshold"],
        direction=data["direction"],
        bound=data["bound"] or "yhat",
    )
    return {"form": form, "checked": True, "when": when}


@needs(read="forecasting.view_forecast")
def detail(request, series_id: int):
    series = get_object_or_404(Series, pk=series_id)
    forecast = selectors.latest_forecast(series)
    breach = _breach(request, forecast)
    if request.htmx and request.GET:
        return render(request, "forecasting/partials/_breach.html", {"breach": breach})
    context = {
        "series": series,
        "forecast": forecast,
        "last_run": selectors.latest_run(series=series),
        "spec": selectors.spec_for_series(series=series)[0],
        "breach": breach,
    }
    return render(request, "forecasting/detail.html", context)


@needs(write="forecasting.run_forecast")
def run(request, series_id: int):
    """Forecast now (queued); htmx gets the button's new state, a plain POST a redirect."""
    series = get_object_or_404(Series, pk=series_id)
    run = None
    try:
        run = services.forecast_request(series=series)[1]
        message = "Forecast queued…"
    except ValueError as exc:
        message = f"Not queued: {exc}"
    if request.htmx:
        context = {"series_id": series.pk, "run": run, "message": message}
        return render(request, "forecasting/partials/_run_button.html", context)
    messages.info(request, message)
    return redirect("forecasting:detail", series_id=series.pk)
