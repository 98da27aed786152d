"""The OpenAPI schema: generated without a warning, valid, and useful in Swagger UI (a
token can be entered, operations grouped by app, errors documented, health included)."""

from __future__ import annotations

from io import StringIO

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    out = StringIO()
    with django_db_blocker.unblock():
        # raises on any drf-spectacular warning or error, or an invalid OpenAPI document
        call_command("spectacular", "--fail-on-warn", "--validate", stdout=out, stderr=StringIO())
    return yaml.safe_load(out.getvalue())


def operations(schema: dict):
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            yield method.upper(), path, op


def test_swagger_can_authorize_with_a_token_a_bearer_or_basic_auth(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {**schemes["tokenAuth"], "in": "header", "name": "Authorization"}
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    assert schemes["basicAuth"]["scheme"] == "basic"
    security = schema["paths"]["/api/v1/metrics/"]["post"]["security"]
    assert {"tokenAuth": []} in security and {"bearerAuth": []} in security  # any one


def test_operations_are_tagged_by_app_and_the_tags_are_described(schema):
    tags = {op["tags"][0] for _, _, op in operations(schema)}
    assert {"metrics", "alerts", "forecasting", "load tests", "tokens", "health"} <= tags
    assert "api" not in tags
    assert tags <= {t["name"] for t in schema["tags"]}
    assert schema["paths"]["/api/v2/write"]["post"]["tags"] == ["metrics"]


def test_health_is_in_the_schema_and_needs_no_token(schema):
    health = schema["paths"]["/api/v1/health"]["get"]
    assert set(health["responses"]) == {"200", "503"}
    assert health["security"] == [{}]


def test_error_answers_are_documented(schema):
    for method, path, op in operations(schema):
        if path == "/api/v1/health":
            continue
        assert {"401", "403", "429"} <= set(op["responses"]), (method, path)
        if "{" in path:
            assert "404" in op["responses"], (method, path)
        if method in ("POST", "PUT", "PATCH"):
            assert "400" in op["responses"], (method, path)
    ingest = schema["paths"]["/api/v1/metrics/"]["post"]["responses"]
    assert {"413", "415"} <= set(ingest)


def test_the_schema_and_swagger_ui_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    page = client.get("/api/docs/")
    assert page.status_code == 200 and b"swagger" in page.content.lower()
