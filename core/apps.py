from django.apps import AppConfig


class CoreConfig(AppConfig):
    """API tokens, authentication, throttling, live publish, task dispatch, health."""

    name = "core"
    verbose_name = "Hydra core"

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the system checks)
        from core.api import schema  # noqa: F401  (registers the token schemes)
