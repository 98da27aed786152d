import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_metrics_are_served_to_an_allowed_address(client):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert b"django_http_requests" in response.content


@override_settings(HYDRA_METRICS_ALLOWED_IPS=["10.0.0.0/8"])
def test_metrics_refuse_an_unknown_address_without_a_token(client):
    response = client.get("/metrics", REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 403
    assert b"API token" in response.content


@override_settings(HYDRA_METRICS_ALLOWED_IPS=[])
def test_metrics_accept_a_token_from_anywhere(client, token_client):
    key = token_client(read_only=True).key
    response = client.get("/metrics", REMOTE_ADDR="192.0.2.7", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_invented_http_methods_do_not_grow_the_metrics_page(client):
    def page() -> bytes:
        return client.get("/metrics", REMOTE_ADDR="127.0.0.1").content

    for i in range(3):  # every label combination the loop below makes, once
        client.generic(f"X{i}ZZY", "/api/v1/health")
        client.generic(f"X{i}ZZY", "/no-such-page")
    before = page()
    for i in range(200):
        client.generic(f"INVENTED{i}", "/api/v1/health")
        client.generic(f"INVENTED{i}", "/no-such-page")
    after = page()
    assert b"INVENTED" not in after and b"X0ZZY" not in after
    assert b'method="other"' in after
    assert len(after.splitlines()) == len(before.splitlines())


def test_known_methods_keep_their_own_label(client):
    client.get("/api/v1/health")
    assert b'method="GET"' in client.get("/metrics", REMOTE_ADDR="127.0.0.1").content
