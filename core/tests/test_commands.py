from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from core.models import ApiToken

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_create_api_token_prints_a_key_that_authenticates(owner):
    key = _run("create_api_token", "alice")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/tokens/").status_code == 200
    assert ApiToken.objects.get().read_only is False


def test_create_api_token_read_only(owner):
    key = _run("create_api_token", "alice", "--read-only")
    token = ApiToken.objects.get()
    assert token.read_only and key.startswith(token.prefix)


def test_create_api_token_for_an_unknown_user_fails_clearly():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        _run("create_api_token", "nobody")
    assert ApiToken.objects.count() == 0


def test_ensure_admin_creates_once_and_prints_the_password(monkeypatch, django_user_model):
    monkeypatch.delenv("HYDRA_ADMIN_PASSWORD", raising=False)
    monkeypatch.setenv("HYDRA_ADMIN_USER", "demo")
    first = _run("ensure_admin")
    assert "password" in first
    password = first.split("password '")[1].split("'")[0]
    user = django_user_model.objects.get(username="demo")
    assert user.is_superuser and user.check_password(password)
    assert "exists" in _run("ensure_admin")
    assert django_user_model.objects.filter(username="demo").count() == 1


def test_ensure_admin_takes_the_password_from_the_environment(monkeypatch, django_user_model):
    monkeypatch.setenv("HYDRA_ADMIN_USER", "ops")
    monkeypatch.setenv("HYDRA_ADMIN_PASSWORD", "from-the-env-123")
    first = _run("ensure_admin")
    assert "from-the-env-123" not in first
    assert "created" in first and "exists" not in first
    assert django_user_model.objects.get(username="ops").check_password("from-the-env-123")
    assert "exists" in _run("ensure_admin")


def test_create_api_token_says_what_it_made_in_a_whole_sentence(owner):
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "alice", "--read-only", stdout=out, stderr=err)
    message = err.getvalue().strip()
    assert message.endswith(".") and "'alice'" in message and "read-only" in message
    assert out.getvalue().strip() not in message


def test_the_favicon_ico_path_leads_to_the_icon(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0].endswith("hydra/favicon.svg")
