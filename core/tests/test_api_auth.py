"""Token authentication, scopes and throttling on the API."""

from __future__ import annotations

import base64

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from core.models import ApiToken

pytestmark = pytest.mark.django_db
THROTTLED = {
    "REST_FRAMEWORK": {
        "DEFAULT_AUTHENTICATION_CLASSES": [
            "core.api.authentication.ApiTokenAuthentication",
            "rest_framework.authentication.SessionAuthentication",
        ],
        "DEFAULT_PERMISSION_CLASSES": [
            "rest_framework.permissions.IsAuthenticated",
            "core.api.permissions.TokenScopePermission",
        ],
        "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.TokenRateThrottle"],
        "DEFAULT_THROTTLE_RATES": {"token": "3/min"},
    }
}


@pytest.mark.parametrize("keyword", ["Token", "Bearer", "token"])
def test_a_valid_token_is_accepted_with_either_keyword(token_client, keyword):
    client = token_client(keyword=keyword)
    response = client.get("/api/v1/tokens/")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_a_wrong_token_gets_401(owner):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    response = client.get("/api/v1/tokens/")
    assert response.status_code == 401
    assert "Invalid" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Token")


def test_basic_auth_with_the_key_as_password_works_for_influx_clients(token_client):
    key = token_client().key
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"any:{key}".encode()).decode()
    )
    assert client.get("/api/v1/tokens/").status_code == 200


def test_a_read_only_token_reads_but_cannot_write(token_client):
    client = token_client(read_only=True)
    assert client.get("/api/v1/tokens/").status_code == 200
    response = client.post("/api/v1/tokens/", {"name": "ci"}, format="json")
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert ApiToken.objects.count() == 1


def test_a_read_write_token_creates_a_token_whose_key_is_shown_once(token_client):
    response = token_client().post(
        "/api/v1/tokens/", {"name": "ci", "read_only": True}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    created = ApiToken.objects.get(pk=body["id"])
    assert created.read_only and created.name == "ci"
    assert body["key"].startswith(created.prefix)
    assert body["key"] not in created.key_hash
    assert "key" not in token_client().get("/api/v1/tokens/").json()["results"][0]


def test_a_user_only_sees_and_revokes_their_own_tokens(token_client, teammate):
    from core.services import api_token_create

    theirs, _ = api_token_create(user=teammate)
    client = token_client()
    assert [t["id"] for t in client.get("/api/v1/tokens/").json()["results"]] != [theirs.pk]
    assert client.delete(f"/api/v1/tokens/{theirs.pk}/").status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


def test_a_session_user_can_use_the_api(client, owner):
    client.force_login(owner)
    assert client.get("/api/v1/tokens/").status_code == 200


@override_settings(**THROTTLED)
def test_too_many_requests_get_429_with_retry_after(token_client):
    client = token_client()
    codes = [client.get("/api/v1/tokens/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = client.get("/api/v1/tokens/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


@override_settings(**THROTTLED)
def test_the_throttle_counts_per_token(token_client):
    first, second = token_client(), token_client()
    for _ in range(3):
        assert first.get("/api/v1/tokens/").status_code == 200
    assert first.get("/api/v1/tokens/").status_code == 429
    assert second.get("/api/v1/tokens/").status_code == 200


def test_a_token_revoked_through_the_api_is_refused_at_once(token_client, owner):
    from core.services import api_token_create

    doomed, key = api_token_create(user=owner)
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert other.get("/api/v1/tokens/").status_code == 200  # now remembered
    assert token_client().delete(f"/api/v1/tokens/{doomed.pk}/").status_code == 204
    assert other.get("/api/v1/tokens/").status_code == 401


def test_a_known_token_costs_no_query_until_it_is_forgotten(
    token_client, django_assert_num_queries
):
    from core.api.authentication import forget_token

    client = token_client()
    client.get("/api/v1/tokens/")
    with django_assert_num_queries(2):  # count, page: the token is remembered
        assert client.get("/api/v1/tokens/").status_code == 200
    forget_token()
    with django_assert_num_queries(3):  # the token's lookup, then count, page
        assert client.get("/api/v1/tokens/").status_code == 200


@override_settings(**THROTTLED)
def test_the_limit_holds_across_a_window_boundary(token_client, monkeypatch):
    from core.api.throttling import TokenRateThrottle

    clock = [1_800_000_000 // 60 * 60 + 59.0]  # one second before a minute ends
    monkeypatch.setattr(TokenRateThrottle, "timer", lambda self: clock[0])
    client = token_client()
    assert [client.get("/api/v1/tokens/").status_code for _ in range(3)] == [200] * 3
    clock[0] += 2  # a new minute: no fresh burst of 3 allowed
    response = client.get("/api/v1/tokens/")
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 60
    clock[0] += 60  # a whole minute after the burst
    assert client.get("/api/v1/tokens/").status_code == 200
