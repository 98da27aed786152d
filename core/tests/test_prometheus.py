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
