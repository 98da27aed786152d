"""Token authentication: ``Authorization: Token <key>`` or ``Bearer <key>``.

InfluxDB clients are accepted too: Basic auth whose password is the key (InfluxDB 1.x
clients such as Telegraf's ``influxdb`` output) and the ``p`` query parameter.
"""

from __future__ import annotations

import base64
import binascii

from django.utils import timezone
from rest_framework import authentication, exceptions

from hydra.models import ApiToken, hash_key

KEYWORDS = ("token", "bearer")
LAST_USED_RESOLUTION_S = 60


def _key_from_request(request) -> str | None:
    header = authentication.get_authorization_header(request).decode("latin-1").strip()
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() in KEYWORDS:
            return value.strip() or _invalid("No token given after the keyword.")
        if scheme.lower() == "basic":
            return _basic_password(value)
        return None
    return request.query_params.get("p") if hasattr(request, "query_params") else None


def _basic_password(value: str) -> str:
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        _invalid("Malformed Basic credentials.")
    return decoded.partition(":")[2]


def _invalid(message: str):
    raise exceptions.AuthenticationFailed(message)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Look the key's hash up; record when a token was last used (at most once a minute)."""

    def authenticate(self, request):
        key = _key_from_request(request)
        if not key:
            return None
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        if token is None or not token.user.is_active:
            _invalid("Invalid or revoked API token.")
        self._touch(token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Token realm="hydra"'

    @staticmethod
    def _touch(token: ApiToken) -> None:
        now = timezone.now()
        if (
            token.last_used_at
            and (now - token.last_used_at).total_seconds() < LAST_USED_RESOLUTION_S
        ):
            return
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
