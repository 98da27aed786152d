"""API permissions: a token's scope, then the user's role (Django model permissions).

A request needs both: ``TokenScopePermission`` (a read-only token may only read, whatever
its user's role) and ``RolePermission`` (the user's groups must grant what the view needs).
"""

from __future__ import annotations

from rest_framework import permissions

from core.models import ApiToken
from core.roles import refusal

READS = ("GET", "HEAD", "OPTIONS")


class TokenScopePermission(permissions.BasePermission):
    """Read-only tokens may only use safe methods; sessions and read-write tokens may write."""

    message = "This API token is read-only: it can't be used to write."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return not (isinstance(request.auth, ApiToken) and request.auth.read_only)


class RolePermission(permissions.DjangoModelPermissions):
    """What a request needs, by method: the view's ``required_perms`` (``{"GET": "app.perm",
    "POST": ...}``; ``""`` = any signed-in user, for their own things), else the model
    permission of its queryset (reads need ``view``, unlike DRF's default). A method the view
    declares nothing for is refused: a new view can't be open by omission."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if not hasattr(view, request.method.lower()):
            return True  # DRF answers 405
        needed = self.needed(request.method, view)
        if needed is None:
            self.message = "This endpoint declares no permission for this method: refused."
            return False
        if request.user.has_perms(needed):
            return True
        self.message = refusal(request.user, needed)
        return False

    def needed(self, method: str, view) -> list[str] | None:
        """The permissions ``method`` needs on ``view``; None when it declares none."""
        declared = getattr(view, "required_perms", None)
        if declared is not None:
            perm = declared.get("GET" if method in READS else method)
            return None if perm is None else [perm] if perm else []
        if not hasattr(view, "get_queryset") and getattr(view, "queryset", None) is None:
            return None
        return self.get_required_permissions(method, self._queryset(view).model)
