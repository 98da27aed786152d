from django.shortcuts import render


def _empty(request, title: str, message: str):
    return render(request, "hydra/empty_page.html", {"title": title, "empty_message": message})


def dashboard(request):
    return _empty(
        request, "Overview", "No hosts are reporting yet. Send metrics to /api/v1/metrics/."
    )


def hosts(request):
    return _empty(request, "Hosts", "No hosts are reporting yet.")


def explore(request):
    return _empty(request, "Explore", "No series stored yet.")


def dashboards(request):
    return _empty(request, "Dashboards", "No saved dashboards yet.")
