from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import JsonResponse


def wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith("/api/") or ("json" in accept and "html" not in accept)


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs login (Django's middleware); API-style clients get 401 JSON instead
    of a redirect to an HTML login page."""

    def handle_no_permission(self, request, view_func):
        if wants_json(request):
            return JsonResponse(
                {"detail": "Authentication credentials were not provided."},
                status=401,
                headers={"WWW-Authenticate": 'Token realm="hydra"'},
            )
        return super().handle_no_permission(request, view_func)
