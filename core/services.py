"""Writes owned by the hydra package: API tokens and the demo admin."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from core.models import ApiToken, hash_key


def api_token_create(
    *, user: User, read_only: bool = False, name: str = ""
) -> tuple[ApiToken, str]:
    """Create a token and return it with its key; the key is not stored and can't be shown again."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_key(key), prefix=key[:8], read_only=read_only
    )
    return token, key


@dataclass(frozen=True)
class AdminEnsured:
    """What ``admin_ensure`` did: the user, whether it was created now, the generated password
    (None when it came from the caller) and whether a given password was set."""

    user: User
    created: bool
    generated: str | None
    password_set: bool


def admin_ensure(*, username: str, password: str | None, email: str = "") -> AdminEnsured:
    """Create the superuser if missing (with ``password`` or a generated one); an existing
    user only gets ``password`` when one is given."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is not None:
        if password:
            user.set_password(password)
            user.save(update_fields=["password"])
        return AdminEnsured(user, created=False, generated=None, password_set=bool(password))
    generated = None if password else secrets.token_urlsafe(12)
    user = User.objects.create_superuser(
        username=username, email=email, password=password or generated
    )
    return AdminEnsured(user, created=True, generated=generated, password_set=bool(password))
