from django.shortcuts import render


def index(request):
    return render(
        request,
        "hydra/empty_page.html",
        {"title": "Forecasts", "empty_message": "No forecasts yet."},
    )
