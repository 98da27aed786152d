"""The Django admin is the admin role's: who gets in, and users' roles set there."""

from __future__ import annotations

import pytest

from core.roles import role_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(client, team_admin):
    client.force_login(team_admin)
    return client


def test_the_admin_lets_in_admins_and_superusers(client, team_admin, django_user_model):
    client.force_login(team_admin)
    assert client.get("/admin/").status_code == 200
    client.force_login(django_user_model.objects.create_superuser("root"))
    assert client.get("/admin/").status_code == 200


def test_an_editor_marked_staff_is_still_kept_out(client, owner):
    owner.is_staff = True
    owner.save()
    client.force_login(owner)
    response = client.get("/admin/alerts/notificationchannel/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_user_added_in_the_admin_is_a_viewer_unless_told_otherwise(
    admin_browser, django_user_model
):
    form = {"username": "ivan", "password1": "ivan-pass-12345", "password2": "ivan-pass-12345",
            "usable_password": "true", "role": "viewer"}  # fmt: skip
    response = admin_browser.get("/admin/auth/user/add/")
    assert 'name="role"' in response.content.decode()
    assert '<option value="viewer" selected>' in response.content.decode()
    assert admin_browser.post("/admin/auth/user/add/", form).status_code == 302
    assert role_of(django_user_model.objects.get(username="ivan")) == "viewer"
    form = {**form, "username": "judy", "role": "editor"}
    assert admin_browser.post("/admin/auth/user/add/", form).status_code == 302
    assert role_of(django_user_model.objects.get(username="judy")) == "editor"


def test_the_change_form_sets_the_role_and_staff_follows_it(admin_browser, viewer):
    page = admin_browser.get(f"/admin/auth/user/{viewer.pk}/change/").content.decode()
    assert '<option value="viewer" selected>' in page and 'name="is_staff"' not in page
    form = {"username": "charlie", "is_active": "on", "role": "admin", "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00", "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "00:00:00"}  # fmt: skip
    response = admin_browser.post(f"/admin/auth/user/{viewer.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    viewer.refresh_from_db()
    assert list(viewer.groups.values_list("name", flat=True)) == ["admin"] and viewer.is_staff


def test_an_action_gives_the_selected_users_a_role(admin_browser, viewer, teammate):
    response = admin_browser.post(
        "/admin/auth/user/",
        {"action": "make_editor", "_selected_action": [viewer.pk, teammate.pk]},
        follow=True,
    )
    assert "2 users are now editors." in response.content.decode()
    viewer.refresh_from_db()
    assert role_of(viewer) == "editor" and role_of(teammate) == "editor"


def test_the_user_list_shows_each_role(admin_browser, viewer, owner):
    page = admin_browser.get("/admin/auth/user/").content.decode()
    assert '<td class="field-role">viewer</td>' in page
    assert '<td class="field-role">editor</td>' in page
