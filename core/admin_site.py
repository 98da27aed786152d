"""The Django admin site, open to the admin role only (``core.roles``)."""

from __future__ import annotations

from django.contrib import admin

from core.roles import ADMIN, role_of


class HydraAdminSite(admin.AdminSite):
    """Django's site, but staff alone is not enough: the user must have the admin role (an
    editor someone ticked "staff" for stays out). Admins are made staff by ``set_role``."""

    site_header = "Hydra administration"
    site_title = "Hydra admin"

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and role_of(request.user) == ADMIN
