"""A batch chosen as a deadlock's victim is written again, once; other errors are not retried."""

from __future__ import annotations

import orjson
import pytest
from django.db import OperationalError
from psycopg.errors import DeadlockDetected

from metrics.api import ingest_views
from metrics.tests.conftest import point_count

pytestmark = pytest.mark.django_db


def failing_first(monkeypatch, error: Exception) -> list[int]:
    calls: list[int] = []
    real = ingest_views.points_ingest

    def points_ingest(*, batch):
        calls.append(len(batch))
        if len(calls) == 1:
            raise error
        return real(batch=batch)

    monkeypatch.setattr(ingest_views, "points_ingest", points_ingest)
    return calls


def post(api, now):
    body = {"series": [{"name": "cpu", "points": [[now - 1, 1.0], [now, 2.0]]}]}
    return api.post("/api/v1/metrics/", orjson.dumps(body), content_type="application/json")


@pytest.mark.parametrize("wrapped", [False, True])
def test_a_deadlock_victim_is_written_on_the_next_try(api, now, monkeypatch, wrapped):
    error = DeadlockDetected("deadlock detected")
    if wrapped:  # as Django's cursor wrapper raises it
        wrapper = OperationalError("deadlock detected")
        wrapper.__cause__ = error
        error = wrapper
    calls = failing_first(monkeypatch, error)
    response = post(api, now)
    assert response.status_code == 201 and response.json() == {"accepted": 2}
    assert calls == [2, 2] and point_count() == 2


def test_another_database_error_is_not_retried(api, now, monkeypatch):
    calls = failing_first(monkeypatch, OperationalError("connection lost"))
    response = post(api, now)
    assert response.status_code == 503 and response["Retry-After"]
    assert calls == [2] and point_count() == 0
