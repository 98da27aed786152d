from django.shortcuts import render


def index(request):
    return render(
        request,
        "hydra/empty_page.html",
        {"title": "Alerts", "empty_message": "No alerts yet. Alert rules are edited in the admin."},
    )
