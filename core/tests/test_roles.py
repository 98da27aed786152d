"""The three role groups hold exactly core/roles.py's permissions, after every migrate and
flush; a user's role; giving one (``user_role_set``)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from core.roles import (
    ADMIN_ONLY_MODELS,
    EDITOR_PERMISSIONS,
    HYDRA_APPS,
    VIEWER_PERMISSIONS,
    refusal,
    role_of,
)
from core.services import UnknownRole, user_role_set

pytestmark = pytest.mark.django_db


def granted(role: str) -> set[str]:
    rows = Group.objects.get(name=role).permissions.select_related("content_type")
    return {f"{p.content_type.app_label}.{p.codename}" for p in rows}


def test_each_group_holds_exactly_its_permissions():
    assert granted("viewer") == set(VIEWER_PERMISSIONS)
    assert granted("editor") == set(EDITOR_PERMISSIONS)
    assert len(granted("admin")) == Permission.objects.count()


def test_every_listed_permission_exists():
    """A typo in the table would silently grant nothing."""
    existing = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }
    assert set(EDITOR_PERMISSIONS) <= existing
    assert {"alerts.acknowledge_alert", "scenarios.run_scenario", "scenarios.run_training"} <= (
        existing
    )
    assert {"forecasting.run_forecast", "dashboards.change_any_dashboard"} <= existing


def test_viewers_only_read():
    assert all(p.split(".")[1].startswith("view_") for p in VIEWER_PERMISSIONS)


def test_every_hydra_model_is_read_by_viewers_or_listed_as_admin_only():
    """A new model must pick a side here (or viewers silently can't see it)."""
    viewed = {p.replace(".view_", ".") for p in VIEWER_PERMISSIONS}
    for label in HYDRA_APPS:
        for model in apps.get_app_config(label).get_models():
            name = f"{label}.{model._meta.model_name}"
            assert (name in viewed) != (name in ADMIN_ONLY_MODELS), name


def test_a_migrate_puts_back_what_someone_changed_in_a_group():
    editor = Group.objects.get(name="editor")
    editor.permissions.remove(Permission.objects.get(codename="acknowledge_alert"))
    editor.permissions.add(Permission.objects.get(codename="delete_user"))
    call_command("migrate", verbosity=0)
    assert granted("editor") == set(EDITOR_PERMISSIONS)


@pytest.mark.django_db(transaction=True)
def test_the_groups_survive_a_flush():
    """A flush (transactional tests, ``manage.py flush``) empties auth_group too."""
    call_command("flush", interactive=False, verbosity=0)
    assert granted("viewer") == set(VIEWER_PERMISSIONS)


def test_a_users_role_is_their_highest_role_group(django_user_model):
    user = django_user_model.objects.create_user("erin")
    assert role_of(user) is None
    user.groups.add(Group.objects.get(name="viewer"), Group.objects.get(name="editor"))
    assert role_of(django_user_model.objects.get(pk=user.pk)) == "editor"
    root = django_user_model.objects.create_superuser("root")
    assert role_of(root) == "admin"


def test_setting_a_role_replaces_the_other_and_makes_admins_staff(viewer):
    user_role_set(user=viewer, role="admin")
    viewer.refresh_from_db()
    assert list(viewer.groups.values_list("name", flat=True)) == ["admin"]
    assert viewer.is_staff and viewer.has_perm("auth.change_user")
    user_role_set(user=viewer, role="editor")
    viewer.refresh_from_db()
    assert list(viewer.groups.values_list("name", flat=True)) == ["editor"]
    assert not viewer.is_staff and not viewer.has_perm("auth.change_user")
    assert viewer.has_perm("alerts.add_alertrule")


def test_a_superuser_given_a_lower_role_stops_being_one(django_user_model):
    root = django_user_model.objects.create_superuser("root")
    user_role_set(user=root, role="viewer")
    root = django_user_model.objects.get(pk=root.pk)
    assert not root.is_superuser and not root.is_staff
    assert root.has_perm("alerts.view_alert") and not root.has_perm("alerts.add_alertrule")


def test_an_unknown_role_is_refused_and_changes_nothing(viewer):
    with pytest.raises(UnknownRole, match="Unknown role 'owner': choose one of viewer, editor"):
        user_role_set(user=viewer, role="owner")
    assert role_of(viewer) == "viewer"


def test_a_refusal_names_the_lowest_role_that_may(viewer, owner):
    assert refusal(viewer, ["alerts.add_silence"]) == (
        "Your role (viewer) may not do this: it needs the editor role (alerts.add_silence)."
    )
    assert "needs the admin role" in refusal(owner, ["alerts.add_notificationchannel"])
