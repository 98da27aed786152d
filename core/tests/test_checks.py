from __future__ import annotations

from django.test import override_settings

from core.checks import production_config

STRONG = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP"


def _ids(**overrides) -> list[str]:
    with override_settings(**overrides):
        return [e.id for e in production_config()]


def test_a_secure_production_config_passes():
    assert _ids(DEBUG=False, SECRET_KEY=STRONG, ALLOWED_HOSTS=["hydra.example.com"]) == []


def test_the_default_secret_key_is_refused_when_debug_is_off():
    from django.conf import settings

    assert "hydra.E001" in _ids(DEBUG=False, SECRET_KEY=settings.INSECURE_SECRET_KEY)


def test_a_short_or_django_insecure_key_is_refused():
    assert "hydra.E001" in _ids(DEBUG=False, SECRET_KEY="short")
    assert "hydra.E001" in _ids(DEBUG=False, SECRET_KEY="django-insecure-" + "x" * 60)


def test_a_wildcard_allowed_hosts_is_refused():
    assert "hydra.E002" in _ids(DEBUG=False, SECRET_KEY=STRONG, ALLOWED_HOSTS=["*"])


def test_plain_http_trusted_origins_warn():
    ids = _ids(DEBUG=False, SECRET_KEY=STRONG, CSRF_TRUSTED_ORIGINS=["http://hydra.example.com"])
    assert ids == ["hydra.W003"]


def test_debug_mode_is_not_checked():
    assert _ids(DEBUG=True, SECRET_KEY="short", ALLOWED_HOSTS=["*"]) == []
