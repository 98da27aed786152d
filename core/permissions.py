"""Pages check the user's role with Django permissions, by HTTP method (``needs``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed

from core.roles import refusal

READS = ("GET", "HEAD", "OPTIONS")


def needs(read: str | None = None, write: str | None = None) -> Callable:
    """A page view's permissions: ``read`` for GET/HEAD/OPTIONS, ``write`` for POST and the
    other unsafe methods. A method without one is 405 (a page that only reads can't be
    posted to); a user without the permission gets a 403 page naming the role it needs.
    The anonymous never get here (``LoginRequiredMiddleware`` sends them to log in)."""
    allowed = [*(READS[:2] if read else []), *(["POST"] if write else [])]

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def checked(request, *args, **kwargs):
            permission = read if request.method in READS else write
            if permission is None:
                return HttpResponseNotAllowed(allowed)
            if not request.user.has_perm(permission):
                raise PermissionDenied(refusal(request.user, [permission]))
            return view(request, *args, **kwargs)

        checked.permissions = {"read": read, "write": write}  # type: ignore[attr-defined]
        return checked

    return decorator
