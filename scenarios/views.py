from django.shortcuts import render


def index(request):
    return render(
        request,
        "hydra/empty_page.html",
        {"title": "Scenarios", "empty_message": "No load-test scenarios yet."},
    )
