"""Upgrading to roles (core 0002) keeps what each existing account could do: staff and
superusers become admins, every other account an editor."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from core.roles import role_of

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE_ROLES = ("core", "0001_initial")


def migrate(target: tuple[str, ...] = ()) -> None:
    """``manage.py migrate`` (its post_migrate signal gives the groups their permissions)."""
    call_command("migrate", *target, verbosity=0)


def roles(django_user_model) -> dict[str, list[str]]:
    return {
        u.username: sorted(u.groups.values_list("name", flat=True))
        for u in django_user_model.objects.order_by("username")
    }


def test_staff_become_admins_and_everyone_else_editors(django_user_model):
    migrate(BEFORE_ROLES)
    try:
        Group.objects.all().delete()
        django_user_model.objects.create_user("ops", is_staff=True)
        django_user_model.objects.create_superuser("root")
        django_user_model.objects.create_user("dev")
        migrate()
        assert roles(django_user_model) == {"dev": ["editor"], "ops": ["admin"], "root": ["admin"]}
        dev = django_user_model.objects.get(username="dev")
        assert dev.has_perm("alerts.add_alertrule") and not dev.has_perm("auth.change_user")
    finally:
        migrate()


def test_an_account_that_already_has_a_role_keeps_it(django_user_model):
    migrate(BEFORE_ROLES)
    try:
        viewer = Group.objects.get_or_create(name="viewer")[0]
        django_user_model.objects.create_user("watcher").groups.add(viewer)
        migrate()
        assert role_of(django_user_model.objects.get(username="watcher")) == "viewer"
    finally:
        migrate()
