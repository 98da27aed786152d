"""Writes owned by the core app: API tokens, users' roles and the demo admin."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.db import transaction

from core.api.authentication import forget_token
from core.models import ApiToken, hash_key
from core.roles import ADMIN, ROLES, roles_sync


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
    user only gets ``password`` when one is given. Either way it has the admin role."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is not None:
        if password:
            user.set_password(password)
            user.save(update_fields=["password"])
        return AdminEnsured(
            user_role_set(user=user, role=ADMIN), created=False, generated=None,
            password_set=bool(password),
        )  # fmt: skip
    generated = None if password else secrets.token_urlsafe(12)
    user = User.objects.create_superuser(
        username=username, email=email, password=password or generated
    )
    user = user_role_set(user=user, role=ADMIN)
    return AdminEnsured(user, created=True, generated=generated, password_set=bool(password))


class UnknownRole(ValueError):
    pass


def _role_groups() -> dict[str, Group]:
    groups = {g.name: g for g in Group.objects.filter(name__in=ROLES)}
    if len(groups) < len(ROLES):  # a database whose post_migrate has not run yet
        roles_sync()
        groups = {g.name: g for g in Group.objects.filter(name__in=ROLES)}
    return groups


@transaction.atomic
def user_role_set(*, user: User, role: str) -> User:
    """Put ``user`` in exactly one role group. Admins are staff (the Django admin lets in
    staff only); a superuser given a lower role stops being one, or they would keep every
    permission. Cached tokens are dropped so the new role applies at once in this process
    (other processes: within ``TOKEN_CACHE_S``)."""
    if role not in ROLES:
        raise UnknownRole(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}.")
    groups = _role_groups()
    user.groups.remove(*(g for name, g in groups.items() if name != role))
    user.groups.add(groups[role])
    user.is_staff = role == ADMIN
    user.is_superuser = user.is_superuser and role == ADMIN
    user.save(update_fields=["is_staff", "is_superuser"])
    for cached in ("_perm_cache", "_user_perm_cache", "_group_perm_cache", "_hydra_role"):
        user.__dict__.pop(cached, None)
    forget_token()
    return user


def user_ensure_with_role(
    *, username: str, role: str, password: str | None = None
) -> tuple[User, bool]:
    """``manage.py set_role``: the user (created if missing, with ``password`` or an unusable
    one: they sign in once an admin sets one) given ``role``. Returns it and whether it was
    created. A password is only set on creation, never on an existing account."""
    if role not in ROLES:
        raise UnknownRole(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}.")
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(username=username, password=password or None)
    return user_role_set(user=user, role=role), created
