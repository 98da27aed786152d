"""A bounded schemathesis run over ``/api/schema/`` against a live server with a token
(issue 12): a few generated requests per operation; zero 5xx and zero responses that break
the schema. Part of ``make test`` (about a minute); ``-m fuzz`` runs it alone and
``HYDRA_FUZZ_EXAMPLES`` changes how many requests each operation gets."""

from __future__ import annotations

import contextlib
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.errors import SerializationNotPossible
from schemathesis.specs.openapi.checks import response_schema_conformance

from core.services import api_token_create

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db(transaction=True)]
EXAMPLES = int(os.environ.get("HYDRA_FUZZ_EXAMPLES", "4"))
CHECKS = [not_a_server_error, response_schema_conformance]


def test_generated_requests_get_no_5xx_and_answers_that_follow_the_schema(asgi_server, user):
    key = api_token_create(user=user)[1]
    headers = {"Authorization": f"Token {key}"}
    schema = schemathesis.openapi.from_url(f"{asgi_server}/api/schema/", headers=headers)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    only = os.environ.get("HYDRA_FUZZ_ONLY", "")  # e.g. "GET /api/v1/metrics/" while debugging
    for operation in operations:
        if only in operation.label:
            failures += run_operation(operation, asgi_server, headers)
    print("\n\n".join(failures))
    assert failures == []


def run_operation(operation, base: str, headers: dict) -> list[str]:
    failures: list[str] = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def check(case) -> None:
        if case.media_type and not case.media_type.startswith("application/json"):
            return  # form and multipart bodies: daphne answers malformed ones itself
        response = case.call(base_url=base, headers=headers, timeout=30)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis' FailureGroup: collected
            failures.append(f"{operation.label}: {str(exc)[:1500]}")

    with contextlib.suppress(SerializationNotPossible):  # protobuf, line protocol: elsewhere
        check()
    return failures
