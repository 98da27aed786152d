from rest_framework import permissions

from core.models import ApiToken


class TokenScopePermission(permissions.BasePermission):
    """Read-only tokens may only use safe methods; sessions and read-write tokens may write."""

    message = "This API token is read-only: it can't be used to write."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return not (isinstance(request.auth, ApiToken) and request.auth.read_only)
