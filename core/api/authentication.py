"""Token authentication: ``Authorization: Token <key>`` or ``Bearer <key>``.

InfluxDB clients are accepted too: Basic auth whose password is the key (InfluxDB 1.x
clients such as Telegraf's ``influxdb`` output) and the ``p`` query parameter (on the
InfluxDB routes only: ``QUERY_KEY_PATHS``).

A found token is remembered in the process for ``TOKEN_CACHE_S`` seconds, so an ingestion
client sending many batches costs one lookup per 10 s, not one query per request. Revoking
a token through the API takes effect at once in the process that served the revocation
and within ``TOKEN_CACHE_S`` in the others (the same for deactivating its user).
"""

from __future__ import annotations

import base64
import binascii
import threading
import time

from django.utils import timezone
from rest_framework import authentication, exceptions

from core.models import ApiToken, hash_key

KEYWORDS = ("token", "bearer")
LAST_USED_RESOLUTION_S = 60
TOKEN_CACHE_S = 10
TOKEN_CACHE_MAX = 10_000
_tokens: dict[str, tuple[ApiToken, float]] = {}  # key hash -> (token with its user, expires)
_lock = threading.Lock()


def _token(key_hash: str) -> ApiToken | None:
    """The active token with this hash (and its user), from the process cache or the database."""
    now = time.monotonic()
    hit = _tokens.get(key_hash)
    if hit is not None and hit[1] > now:
        return hit[0]
    token = ApiToken.objects.select_related("user").filter(key_hash=key_hash).first()
    if token is None or not token.user.is_active:
        forget_token(key_hash)
        return None
    with _lock:
        if len(_tokens) >= TOKEN_CACHE_MAX:
            _tokens.clear()
        _tokens[key_hash] = (token, now + TOKEN_CACHE_S)
    return token


def forget_token(key_hash: str | None = None) -> None:
    """Drop one cached token (after its revocation), or all of them."""
    with _lock:
        if key_hash is None:
            _tokens.clear()
        else:
            _tokens.pop(key_hash, None)


# InfluxDB clients send ``?p=``; anywhere else a key in a URL would land in logs and
# browser histories, so it is not read (issue 12, defect 11)
QUERY_KEY_PATHS = frozenset(("/write", "/api/v2/write"))


def _key_from_request(request) -> str | None:
    header = authentication.get_authorization_header(request).decode("latin-1")
    query = None
    if request.path_info in QUERY_KEY_PATHS and hasattr(request, "query_params"):
        query = request.query_params.get("p")
    return key_from(header, query)


def key_from(header: str, query_p: str | None) -> str | None:
    """The API key in an ``Authorization`` header (Token, Bearer or Basic), else in the
    ``p`` query parameter; None for another scheme. Raises AuthenticationFailed when
    malformed."""
    header = header.strip()
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() in KEYWORDS:
            return value.strip() or _invalid("No token given after the keyword.")
        if scheme.lower() == "basic":
            return _basic_password(value)
        return None
    return query_p


def token_for(key: str) -> ApiToken | None:
    """The active token for ``key``, its use recorded (at most once a minute); None if the
    key is unknown, revoked or its user inactive."""
    token = _token(hash_key(key))
    if token is not None:
        touch(token)
    return token


def touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at and (now - token.last_used_at).total_seconds() < LAST_USED_RESOLUTION_S:
        return
    token.last_used_at = now
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


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
        token = token_for(key)
        if token is None:
            _invalid("Invalid or revoked API token.")
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Token realm="hydra"'
