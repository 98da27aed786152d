"""Login throttling with django-axes (issue 12, defect 10): repeated wrong passwords lock
out that username from that address, with a clear message; others are unaffected."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client

pytestmark = pytest.mark.django_db


def log_in(client: Client, username: str, password: str, address: str = "192.0.2.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_right_password_after_too_many_wrong_ones_is_refused(owner, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "alice", "wrong").status_code == 200  # the form again
    assert log_in(client, "alice", "wrong").status_code == 429  # the last one allowed
    response = log_in(client, "alice", "alice-pass-123")
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content
    assert b"locked" in response.content
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="alice").failures_since_start >= 5


def test_a_lockout_is_per_user_and_address(owner, teammate, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(Client(), "alice", "wrong")
    assert log_in(Client(), "bob", "bob-pass-123").status_code == 302  # another user
    other_address = log_in(Client(), "alice", "alice-pass-123", address="198.51.100.7")
    assert other_address.status_code == 302


def test_a_success_before_the_limit_resets_the_count(owner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(Client(), "alice", "wrong")
    assert log_in(Client(), "alice", "alice-pass-123").status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(Client(), "alice", "wrong")
    assert log_in(Client(), "alice", "alice-pass-123").status_code == 302


def test_tokens_and_forced_logins_are_not_throttled(owner, token_client, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        log_in(Client(), "alice", "wrong", address="127.0.0.1")
    assert token_client().get("/api/v1/series/").status_code == 200
    client.force_login(owner)
    assert client.get("/api/v1/series/", REMOTE_ADDR="127.0.0.1").status_code == 200
