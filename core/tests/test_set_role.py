"""``manage.py set_role USER viewer|editor|admin`` and the demo admin's role."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.roles import role_of

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_creates_a_missing_user_without_a_usable_password(monkeypatch, django_user_model):
    monkeypatch.delenv("HYDRA_SET_ROLE_PASSWORD", raising=False)
    out = _run("set_role", "frank", "editor")
    frank = django_user_model.objects.get(username="frank")
    assert role_of(frank) == "editor" and not frank.has_usable_password()
    assert "Created user 'frank' without a usable password" in out and "frank is now editor" in out


def test_it_gives_a_created_user_the_password_from_the_environment(monkeypatch, django_user_model):
    monkeypatch.setenv("HYDRA_SET_ROLE_PASSWORD", "from-the-env-123")
    out = _run("set_role", "grace", "viewer")
    assert "from-the-env-123" not in out
    grace = django_user_model.objects.get(username="grace")
    assert grace.check_password("from-the-env-123") and role_of(grace) == "viewer"


def test_it_changes_an_existing_users_role_and_leaves_the_password(monkeypatch, owner):
    monkeypatch.setenv("HYDRA_SET_ROLE_PASSWORD", "not-for-existing-users")
    out = _run("set_role", "alice", "admin")
    owner.refresh_from_db()
    assert "Created" not in out
    assert role_of(owner) == "admin" and owner.is_staff
    assert list(owner.groups.values_list("name", flat=True)) == ["admin"]
    assert owner.check_password("alice-pass-123")
    _run("set_role", "alice", "viewer")
    owner.refresh_from_db()
    assert list(owner.groups.values_list("name", flat=True)) == ["viewer"] and not owner.is_staff


def test_an_unknown_role_is_a_clear_error_and_creates_nobody(django_user_model):
    with pytest.raises(
        CommandError, match="Unknown role 'boss': choose one of viewer, editor, admin"
    ):
        _run("set_role", "henry", "boss")
    assert not django_user_model.objects.filter(username="henry").exists()


def test_a_new_role_applies_to_the_users_tokens_at_once(viewer, token_client):
    """Tokens are cached with their user for a few seconds: a role change drops them."""
    client = token_client(user=viewer)
    body = {"name": "x", "metric": "m", "condition": "threshold", "op": ">", "threshold": 1}
    assert client.post("/api/v1/alert-rules/", body, format="json").status_code == 403
    _run("set_role", "charlie", "editor")
    assert client.post("/api/v1/alert-rules/", body, format="json").status_code == 201


def test_the_demo_admin_has_the_admin_role(monkeypatch, django_user_model):
    monkeypatch.setenv("HYDRA_ADMIN_USER", "demo")
    monkeypatch.setenv("HYDRA_ADMIN_PASSWORD", "demo-pass-123")
    _run("ensure_admin")
    demo = django_user_model.objects.get(username="demo")
    assert role_of(demo) == "admin" and demo.groups.filter(name="admin").exists()


def test_ensure_admin_gives_an_existing_account_the_admin_role(monkeypatch, owner):
    monkeypatch.setenv("HYDRA_ADMIN_USER", "alice")
    monkeypatch.delenv("HYDRA_ADMIN_PASSWORD", raising=False)
    _run("ensure_admin")
    owner.refresh_from_db()
    assert list(owner.groups.values_list("name", flat=True)) == ["admin"] and owner.is_staff


def test_a_token_for_an_account_without_a_role_comes_with_a_warning(django_user_model):
    django_user_model.objects.create_user("kim")
    err = StringIO()
    call_command("create_api_token", "kim", stdout=StringIO(), stderr=err)
    assert "who has no role" in err.getvalue() and "set_role kim" in err.getvalue()
