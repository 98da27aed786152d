from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class HydraAdminConfig(admin_apps.AdminConfig):
    """The Django admin, for the admin role only (``core.admin_site.HydraAdminSite``)."""

    default = False  # "core" still means CoreConfig
    default_site = "core.admin_site.HydraAdminSite"


class CoreConfig(AppConfig):
    """API tokens, authentication, roles, throttling, live publish, task dispatch, health."""

    name = "core"
    verbose_name = "Hydra core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from core import checks  # noqa: F401  (registers the system checks)
        from core.api import schema  # noqa: F401  (registers the token schemes)
        from core.roles import sync_after_migrate
        from core.sessions import close_session_sockets

        # the role groups' permissions follow core/roles.py after every migrate (and every
        # test-database flush, which empties the tables)
        post_migrate.connect(sync_after_migrate, dispatch_uid="hydra-roles-sync")
        # a logout closes that session's live sockets (metrics.consumers)
        user_logged_out.connect(close_session_sockets, dispatch_uid="hydra-close-sockets")
