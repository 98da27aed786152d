"""System checks that refuse an insecure production configuration (DEBUG off)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

MIN_SECRET_KEY_LENGTH = 50


def _insecure_secret_key(key: str) -> bool:
    return (
        key == getattr(settings, "INSECURE_SECRET_KEY", None)
        or key.startswith("django-insecure")
        or len(key) < MIN_SECRET_KEY_LENGTH
        or len(set(key)) < 5
    )


@register(Tags.security, deploy=False)
def production_config(app_configs=None, **kwargs) -> list:
    if settings.DEBUG:
        return []
    errors: list[CheckMessage] = []
    if _insecure_secret_key(settings.SECRET_KEY):
        errors.append(
            Error(
                "SECRET_KEY is the default or too weak while DEBUG is off.",
                hint=f"Set SECRET_KEY to a random string of at least {MIN_SECRET_KEY_LENGTH} "
                "characters, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'.",
                id="hydra.E001",
            )
        )
    if not settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "ALLOWED_HOSTS is empty or '*' while DEBUG is off.",
                hint="List the host names Hydra is served on: ALLOWED_HOSTS=hydra.example.com.",
                id="hydra.E002",
            )
        )
    if any(
        o.startswith("http://") and "localhost" not in o and "127.0.0.1" not in o
        for o in settings.CSRF_TRUSTED_ORIGINS
    ):
        errors.append(
            Warning(
                "CSRF_TRUSTED_ORIGINS has a plain-http origin that isn't local.",
                hint="Serve Hydra over HTTPS and list https:// origins.",
                id="hydra.W003",
            )
        )
    return errors
