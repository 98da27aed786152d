from django.apps import AppConfig


class HydraConfig(AppConfig):
    name = "hydra"
    verbose_name = "Hydra"

    def ready(self) -> None:
        from hydra import checks  # noqa: F401  (registers the system checks)
